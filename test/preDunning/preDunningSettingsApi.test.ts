import request from 'supertest';
import { renewalRiskSettingsOf } from '../../backend/src/settings';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let testApp: Awaited<ReturnType<typeof createTestApp>>;
let writeKey: string;
let liveKey: string;

beforeAll(async () => {
  await Promise.all(['accounts', 'apiKeys'].map((name) => db.connection.collection(name).deleteMany({ accountId: 'acct_predunning_settings' })));
  testApp = await createTestApp(db.connection, { env: { MERCHANT_RATE_LIMIT_PER_MINUTE: '10000' } });
  const now = new Date();
  writeKey = (await testApp.container.apiKeys.create({ accountId: 'acct_predunning_settings', livemode: false, name: 'write', scope: 'read_write', now })).key;
  liveKey = (await testApp.container.apiKeys.create({ accountId: 'acct_predunning_settings', livemode: true, name: 'live', scope: 'read_write', now })).key;
});

const read = (key = writeKey) => request(testApp.server).get('/api/settings').set('authorization', `Bearer ${key}`);
const save = (body: unknown) => request(testApp.server).put('/api/settings').set('authorization', `Bearer ${writeKey}`).send(body as object);
const preview = (body: unknown) => request(testApp.server).post('/api/settings/pre-dunning-preview').set('authorization', `Bearer ${writeKey}`).send(body as object);

describe('GET/PUT /api/settings: preDunning and renewalRisk', () => {
  it('shows our defaults: reminders on, 30, 14 and 3 days before in our copy, alert at 70', async () => {
    const response = await read();
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      preDunning: { enabled: true, steps: [{ daysBefore: 30, custom: null }, { daysBefore: 14, custom: null }, { daysBefore: 3, custom: null }] },
      renewalRisk: { alertThreshold: 70 },
    });
  });

  it('saves partial changes, leaves the other part and the other mode alone, and the risk helper reads the threshold', async () => {
    const response = await save({ preDunning: { steps: [{ daysBefore: 21, custom: null }, { daysBefore: 7, custom: null }] }, renewalRisk: { alertThreshold: 55 } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ preDunning: { enabled: true, steps: [{ daysBefore: 21 }, { daysBefore: 7 }] }, renewalRisk: { alertThreshold: 55 } });
    expect((await save({ preDunning: { enabled: false } })).body.preDunning).toMatchObject({ enabled: false, steps: [{ daysBefore: 21 }, { daysBefore: 7 }] });
    expect(renewalRiskSettingsOf(await testApp.container.accounts.find('acct_predunning_settings', false))).toEqual({ alertThreshold: 55 });
    expect((await read(liveKey)).body).toMatchObject({ preDunning: { enabled: true, steps: [{ daysBefore: 30 }, { daysBefore: 14 }, { daysBefore: 3 }] }, renewalRisk: { alertThreshold: 70 } });
  });

  it.each([
    ['days that do not come closer to the renewal', { preDunning: { steps: [{ daysBefore: 7, custom: null }, { daysBefore: 10, custom: null }] } }, 'preDunning.steps[1].daysBefore'],
    ['a step more than 60 days before', { preDunning: { steps: [{ daysBefore: 90, custom: null }] } }, 'preDunning.steps[0].daysBefore'],
    ['a threshold of 0', { renewalRisk: { alertThreshold: 0 } }, 'renewalRisk.alertThreshold'],
    ['a threshold over 100', { renewalRisk: { alertThreshold: 101 } }, 'renewalRisk.alertThreshold'],
    ['a dunning variable in a reminder', { preDunning: { steps: [{ daysBefore: 5, custom: { subject: 'Hi', html: '<p>{{amount}}</p>', text: 'x' } }] } }, 'preDunning.steps[0].custom.html line 1'],
  ])('refuses %s and saves nothing', async (_name, body, problem) => {
    const before = (await read()).body;
    const response = await save(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('settings_invalid');
    expect(response.body.error.message).toContain(problem);
    expect((await read()).body).toMatchObject({ preDunning: before.preDunning, renewalRisk: before.renewalRisk });
  });

  it('stores custom HTML only as the allow-list lets it through, and says which part changed', async () => {
    const custom = { subject: 'Card {{card_last4}}', html: '<p onclick="x()">Update: {{card_update_url}}</p><script>x()</script>', text: '{{card_update_url}}' };
    const response = await save({ preDunning: { steps: [{ daysBefore: 10, custom }] } });
    expect(response.status).toBe(200);
    expect(response.body.sanitizerRemoved).toEqual(['preDunning.steps[0].custom.html']);
    expect(response.body.preDunning.steps[0].custom.html).toBe('<p>Update: {{card_update_url}}</p>');
  });
});

describe('POST /api/settings/pre-dunning-preview', () => {
  it("renders a step of the unsaved sequence with sample values and the form's branding", async () => {
    const response = await preview({ stepIndex: 0, preDunning: { steps: [{ daysBefore: 30, custom: null }, { daysBefore: 3, custom: null }] }, branding: { productName: 'Rocket' } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ object: 'email_preview', subject: 'Your card ending 4242 expires before your next Rocket payment' });
    expect(response.body.text).toContain('Your Visa card ending 4242 expires 03/2027, before your Rocket renewal on');
    expect(response.body.html).toContain('Update your card');
  });

  it('refuses a template with an unknown variable, and a step past the end', async () => {
    const bad = await preview({ stepIndex: 0, preDunning: { steps: [{ daysBefore: 5, custom: { subject: '{{nope}}', html: '<p>x</p>', text: 'x' } }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'template_invalid', param: 'preDunning' });
    const past = await preview({ stepIndex: 4 });
    expect(past.status).toBe(400);
    expect(past.body.error).toMatchObject({ code: 'parameter_invalid', param: 'stepIndex' });
  });
});
