import { copyForStep, customCopyProblems, merchantCopyFor, type DunningStep } from '../../backend/src/dunning';

const own = (word: string) => ({ subject: word, html: `<p>${word}</p>`, text: word });

describe('merchantCopyFor', () => {
  const step = { custom: own('mine'), customByLocale: { de: own('meins') } };

  it.each([
    // [customer's locale, merchant's language, the merchant copy used (null: ours)]
    ['de', 'en', 'meins'],
    ['en', 'en', 'mine'],
    ['fr', 'en', null],
    ['fr', 'fr', 'mine'],
    ['de', 'de', 'meins'],
  ] as const)('a %s customer of a merchant writing in %s gets %s', (locale, merchantLanguage, used) => {
    expect(merchantCopyFor(step, locale, merchantLanguage)?.subject ?? null).toBe(used);
  });

  it("uses old single-language copy for the merchant's language only", () => {
    const old: DunningStep = { dayOffset: 0, tone: 'soft_reminder', custom: own('mine') };
    expect(copyForStep(old, 'general', 'en', 'en').subject).toBe('mine');
    expect(copyForStep(old, 'general', 'ja', 'en').subject).toBe('{{productName}}のお支払いが完了しませんでした');
  });
});

describe('customCopyProblems per language', () => {
  it('names a stored language we do not support and checks each language’s templates', () => {
    const problems = customCopyProblems([{ custom: null, customByLocale: { sv: own('hej'), it: { ...own('ciao'), subject: '{{#each x}}{{/each}}' } } as never }]);
    expect(problems).toEqual([
      'steps[0].customByLocale.sv: not a supported language (en, de, fr, es, it, nl, pt-BR, ja)',
      expect.stringMatching(/^steps\[0\]\.customByLocale\.it\.subject line 1: The block \{\{#each\}\} is not allowed/),
    ]);
  });
});
