import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MODEL } from '../../bench/recovery/behaviourModel';

const CITATION = /REFERENCE\.md|BLS|Census|Nacha|Nilson|Stripe|Visa|Mastercard|Ley Federal|CLT|Payment of Wages|backend\/src|issue \d+|IANA/;

describe('the behaviour model', () => {
  it.each(Object.entries(MODEL))('gives %s a source or says it is an assumption', (_name, parameter) => {
    expect(parameter.source.trim().length).toBeGreaterThan(0);
    expect(/^assumption/.test(parameter.source) || CITATION.test(parameter.source)).toBe(true);
  });

  it('keeps every parameter in the MODEL table: each value in the file has its source beside it', () => {
    const text = readFileSync(path.resolve(__dirname, '../../bench/recovery/behaviourModel.ts'), 'utf8');
    const table = text.slice(text.indexOf('export const MODEL = {'), text.indexOf('} satisfies Record<string, Parameter<unknown>>;'));
    const names = [...table.matchAll(/^ {2}(\w+): \{/gm)].map((match) => match[1]);
    expect(names).toEqual(Object.keys(MODEL));
    const values = (table.match(/^ {2}\w+: \{ ?value:|^ {4}value:/gm) ?? []).length;
    const sources = (table.match(/source:/g) ?? []).length;
    expect(values).toBe(names.length);
    expect(sources).toBe(names.length);
  });

  it('uses the published decline mix, and shares that add up', () => {
    expect(MODEL.declineMix.value.find((entry) => entry.declineCode === 'insufficient_funds')?.share).toBe(40.6);
    expect(MODEL.payHabits.value.US!.frequencies).toEqual({ weekly: 32.4, biweekly: 36.5, semimonthly: 19.8, monthly: 11.3 });
    expect(MODEL.places.value.reduce((sum, place) => sum + place.share, 0)).toBeCloseTo(100, 5);
  });
});
