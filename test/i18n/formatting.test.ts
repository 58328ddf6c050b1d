import { formatDay, formatFullDate, formatMoney } from '../../backend/src/i18n';

describe('formatMoney', () => {
  it.each([
    [123456, 'eur', 'de', '1.234,56 €'],
    [123456, 'eur', 'fr', '1 234,56 €'],
    [4900, 'usd', 'en', '$49.00'],
    [4900, 'eur', 'nl', '€ 49,00'],
    [4900, 'brl', 'pt-BR', 'R$ 49,00'],
    [5000, 'jpy', 'ja', '￥5,000'],
    [5000, 'jpy', 'en', '¥5,000'],
    [1500, 'kwd', 'en', 'KWD 1.500'],
  ] as const)('%d %s in %s → %s', (amountMinor, currency, locale, expected) => {
    // Intl separates some parts with no-break spaces; compare with plain ones.
    expect(formatMoney(amountMinor, currency, locale).replace(/[\u00a0\u202f]/g, ' ')).toBe(expected);
  });

  it('still shows an amount in a currency Intl does not know', () => {
    expect(formatMoney(4900, 'x1', 'de')).toBe('49.00 X1');
  });
});

describe('formatDay and formatFullDate', () => {
  const at = new Date('2026-05-01T23:30:00Z');

  it("names the customer's own day: late evening in UTC is already the next day in Tokyo", () => {
    expect(formatDay(at, 'UTC', 'en')).toBe('Friday 1 May');
    expect(formatDay(at, 'Asia/Tokyo', 'ja')).toBe('5月2日土曜日');
    expect(formatDay(at, 'Europe/Berlin', 'de')).toBe('Samstag, 2. Mai');
  });

  it.each([
    ['fr', 'vendredi 1 mai 2026'],
    ['es', 'viernes, 1 de mayo de 2026'],
    ['it', 'venerdì 1 maggio 2026'],
    ['nl', 'vrijdag 1 mei 2026'],
    ['pt-BR', 'sexta-feira, 1 de maio de 2026'],
    ['ja', '2026年5月1日金曜日'],
    ['en', 'Friday 1 May 2026'],
  ] as const)('writes the full date in %s as %s', (locale, expected) => {
    expect(formatFullDate(at, 'America/New_York', locale)).toBe(expected);
  });

  it('gives the UTC day for a name that is not a zone', () => {
    expect(formatDay(at, 'Not/AZone', 'de')).toBe('Freitag, 1. Mai');
  });
});
