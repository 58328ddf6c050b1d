import request from 'supertest';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

/** The customers' default language and copy per language through the merchant API, and previews in a chosen language. */
const db = useTestDatabase();
let testApp: Awaited<ReturnType<typeof createTestApp>>;
let key: string;

beforeAll(async () => {
  await Promise.all(['accounts', 'apiKeys'].map((name) => db.connection.collection(name).deleteMany({})));
  testApp = await createTestApp(db.connection, { env: { MERCHANT_RATE_LIMIT_PER_MINUTE: '10000' } });
  key = (await testApp.container.apiKeys.create({ accountId: 'acct_languages', livemode: false, name: 'write', scope: 'read_write', now: new Date() })).key;
});

const api = (method: 'get' | 'put' | 'post', path: string) => request(testApp.server)[method](path).set('authorization', `Bearer ${key}`);
const copy = (word: string) => ({ subject: `${word} {{productName}}`, html: `<p>${word} {{amount}}</p><script>alert(1)</script>`, text: `${word} {{amount}}` });
const sequence = (steps: object[]) => ({ enabled: true, steps, sendConfirmation: true, daytimeHours: [9, 18] });

describe('the language setting', () => {
  it('is English until the merchant picks one of the eight, and refuses any other', async () => {
    expect((await api('get', '/api/settings')).body.language).toBe('en');
    const saved = await api('put', '/api/settings').send({ language: 'pt-BR' });
    expect(saved.status).toBe(200);
    expect(saved.body.language).toBe('pt-BR');
    const refused = await api('put', '/api/settings').send({ language: 'sv' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.param).toBe('language');
    expect((await api('get', '/api/settings')).body.language).toBe('pt-BR');
    await api('put', '/api/settings').send({ language: 'en' });
  });
});

describe('copy per language', () => {
  it('checks and sanitizes each language’s copy, naming the language, and keeps old single-language copy valid', async () => {
    const refused = await api('put', '/api/settings').send({ dunning: sequence([{ dayOffset: 0, tone: 'soft_reminder', custom: null, customByLocale: { de: { ...copy('Hallo'), text: 'Hallo {{firstName}}' } } }]) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('dunning.steps[0].customByLocale.de.text line 1: Unknown variable "firstName"');

    const saved = await api('put', '/api/settings').send({ dunning: sequence([{ dayOffset: 0, tone: 'soft_reminder', custom: copy('Pay'), customByLocale: { de: copy('Zahlen') } }]) });
    expect(saved.status).toBe(200);
    expect(saved.body.sanitizerRemoved).toEqual(['dunning.steps[0].custom.html', 'dunning.steps[0].customByLocale.de.html']);
    expect(saved.body.dunning.steps[0].customByLocale.de.html).toBe('<p>Zahlen {{amount}}</p>');

    const old = await api('put', '/api/settings').send({ dunning: sequence([{ dayOffset: 0, tone: 'soft_reminder', custom: copy('Pay') }]) });
    expect(old.status).toBe(200);
  });
});

describe('previews in a language', () => {
  const steps = [{ dayOffset: 0, tone: 'soft_reminder', custom: copy('Pay'), customByLocale: { de: copy('Zahlen') } }];

  it('renders the language’s own copy, our default in a language without one, and the merchant’s default language without a locale', async () => {
    const german = await api('post', '/api/settings/email-preview').send({ stepIndex: 0, locale: 'de', dunning: sequence(steps) });
    expect(german.status).toBe(200);
    expect(german.body.text.replace(/\u00a0/g, ' ')).toBe('Zahlen 49,00 $');
    expect(german.body.html).toContain('<html lang="de">');

    const japanese = await api('post', '/api/settings/email-preview').send({ stepIndex: 0, locale: 'ja', dunning: sequence(steps) });
    expect(japanese.body.subject).toBe('our serviceのお支払いが完了しませんでした');

    const english = await api('post', '/api/settings/email-preview').send({ stepIndex: 0, dunning: sequence(steps) });
    expect(english.body.text).toBe('Pay $49.00');

    expect((await api('post', '/api/settings/email-preview').send({ stepIndex: 0, locale: 'sv' })).status).toBe(400);
  });

  it('renders a pre-dunning reminder in the language asked for', async () => {
    const response = await api('post', '/api/settings/pre-dunning-preview').send({ stepIndex: 0, locale: 'fr' });
    expect(response.status).toBe(200);
    expect(response.body.subject).toBe('Votre carte se terminant par 4242 expire avant votre prochain paiement our service');
    expect(response.body.text).toContain('lundi 12 avril');
  });
});
