import { acceptedLanguages, chooseLocale, merchantLanguageOf } from '../../backend/src/i18n';

describe('chooseLocale', () => {
  it.each([
    // [customer's preferred_locales, merchant's language, chosen]
    [['de-DE'], 'en', 'de'],
    [['de-AT'], 'en', 'de'],
    [['de'], 'fr', 'de'],
    [['pt'], 'en', 'pt-BR'],
    [['pt-PT'], 'en', 'pt-BR'],
    [['pt-br'], 'en', 'pt-BR'],
    [['ja-JP'], 'en', 'ja'],
    [['fr_CA'], 'en', 'fr'],
    [['sv', 'nl-BE'], 'en', 'nl'],
    [['es-MX', 'it'], 'en', 'es'],
    [['en-GB', 'de'], 'de', 'en'],
    [['sv', 'fi'], 'it', 'it'],
    [[], 'nl', 'nl'],
    [['', '  '], 'ja', 'ja'],
    [['zh-Hans'], 'klingon', 'en'],
    [[], undefined, 'en'],
  ] as const)('%j with merchant %s → %s', (preferred, merchant, chosen) => {
    expect(chooseLocale(preferred, merchant)).toBe(chosen);
  });

  it('takes no preferences at all as none', () => {
    expect(chooseLocale(null, 'fr')).toBe('fr');
    expect(chooseLocale(undefined, null)).toBe('en');
  });
});

describe('merchantLanguageOf', () => {
  it('reads a supported language and falls back to English otherwise', () => {
    expect(merchantLanguageOf({ language: 'pt-BR' })).toBe('pt-BR');
    expect(merchantLanguageOf({ language: 'pt' })).toBe('en');
    expect(merchantLanguageOf({})).toBe('en');
    expect(merchantLanguageOf(null)).toBe('en');
  });
});

describe('acceptedLanguages', () => {
  it.each([
    ['fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5', ['fr-CH', 'fr', 'en']],
    ['en;q=0.2, ja', ['ja', 'en']],
    ['de;q=0, nl', ['nl']],
    ['', []],
    [undefined, []],
  ] as const)('reads %j as %j', (header, tags) => {
    expect(acceptedLanguages(header)).toEqual(tags);
  });
});
