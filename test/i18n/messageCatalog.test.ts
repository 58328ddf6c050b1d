import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { argumentsOf, CATALOGS, SUPPORTED_LOCALES, translate, type MessageKey } from '../../backend/src/i18n';

/**
 * The catalogs stay complete and in use: every locale has exactly English's
 * keys, each message takes the same values as English's, and every key is
 * used somewhere in backend/src (a key nobody uses is copy nobody reads).
 */

const SOURCE = path.resolve(__dirname, '../../backend/src');
const englishKeys = Object.keys(CATALOGS.en).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'locales' ? [] : sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

describe('the message catalogs', () => {
  it.each(SUPPORTED_LOCALES.filter((locale) => locale !== 'en'))('%s has every key English has and no other', (locale) => {
    const keys = Object.keys(CATALOGS[locale]).sort();
    expect({ missing: englishKeys.filter((key) => !keys.includes(key)), extra: keys.filter((key) => !englishKeys.includes(key)) }).toEqual({ missing: [], extra: [] });
  });

  it.each(SUPPORTED_LOCALES)('every %s message parses and takes the same values as English (an apostrophe before a brace swallows one)', (locale) => {
    const differing = englishKeys.filter((key) => argumentsOf(locale, key as MessageKey).sort().join() !== argumentsOf('en', key as MessageKey).sort().join());
    expect(differing).toEqual([]);
  });

  it.each(SUPPORTED_LOCALES)('no %s message holds markup or an entity, so a formatted message is safe in HTML', (locale) => {
    expect(Object.entries(CATALOGS[locale]).filter(([, message]) => /[<>&]/.test(message))).toEqual([]);
  });

  it('uses every English key somewhere in backend/src', () => {
    const source = sourceFiles(SOURCE).map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(englishKeys.filter((key) => !source.includes(`'${key}'`))).toEqual([]);
  });

  it('translates, not copies: each other locale differs from English in most messages', () => {
    for (const locale of SUPPORTED_LOCALES.filter((candidate) => candidate !== 'en')) {
      const same = englishKeys.filter((key) => CATALOGS[locale][key] === CATALOGS.en[key]);
      expect({ locale, same }).toEqual({ locale, same: [] });
    }
  });

  it('fills values into the message', () => {
    expect(translate('de', 'card.ending', { brand: 'Visa', last4: '4242' })).toBe('Visa mit der Endung 4242');
    expect(translate('ja', 'card.ending', { brand: 'Visa', last4: '4242' })).toBe('末尾4242のVisa');
  });
});
