import request from 'supertest';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let testApp: Awaited<ReturnType<typeof createTestApp>>;
let writeKey: string;
let readKey: string;

beforeAll(async () => {
  await Promise.all(['accounts', 'apiKeys'].map((name) => db.connection.collection(name).deleteMany({})));
  testApp = await createTestApp(db.connection, { env: { MERCHANT_RATE_LIMIT_PER_MINUTE: '10000' } });
  const now = new Date();
  writeKey = (await testApp.container.apiKeys.create({ accountId: 'acct_settings', livemode: false, name: 'write', scope: 'read_write', now })).key;
  readKey = (await testApp.container.apiKeys.create({ accountId: 'acct_settings', livemode: false, name: 'read', scope: 'read', now })).key;
});

const read = () => request(testApp.server).get('/api/settings').set('authorization', `Bearer ${writeKey}`);
const save = (body: unknown, key = writeKey) => request(testApp.server).put('/api/settings').set('authorization', `Bearer ${key}`).send(body as object);

describe('GET /api/settings', () => {
  it('shows our defaults before the merchant changed anything, with the network limits in words', async () => {
    const response = await read();
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      object: 'settings',
      retryPolicy: { windowDays: 21, maxAttempts: 8, endAction: 'leave_open', networkLimits: { visaMaxReattemptsPer30Days: 15 } },
      dunning: { enabled: true, steps: [{ dayOffset: 0 }, { dayOffset: 3 }, { dayOffset: 7 }, { dayOffset: 14 }] },
      branding: { merchantName: 'Your provider' },
      postmark: { configured: false },
    });
    expect(response.body.networkLimitNotes[0]).toMatch(/^Visa: at most 15 reattempts per card in any 30 days/);
  });
});

describe('PUT /api/settings', () => {
  it('saves the parts sent and leaves the rest', async () => {
    const response = await save({ retryPolicy: { windowDays: 14, endAction: 'cancel_subscription' }, branding: { merchantName: 'Acme', accentColor: '#112233' } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ retryPolicy: { windowDays: 14, maxAttempts: 8, endAction: 'cancel_subscription' }, branding: { merchantName: 'Acme', productName: 'our service', accentColor: '#112233' }, postmark: { configured: false } });
    expect((await read()).body.retryPolicy.windowDays).toBe(14);
  });

  it('refuses a policy that breaks a card-network limit, saves nothing, and names the limit', async () => {
    const response = await save({ retryPolicy: { maxAttempts: 30 }, branding: { merchantName: 'Changed' } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'settings_invalid', param: 'retryPolicy.maxAttempts' });
    expect(response.body.error.message).toContain('the Visa limit on reattempts per card in 30 days');
    expect((await read()).body.branding.merchantName).toBe('Acme');
  });

  it('refuses a template that does not render, naming the step, part, line and variable', async () => {
    const steps = [{ dayOffset: 0, tone: 'soft_reminder', custom: { subject: 'Hi', html: '<p>{{firstName}}</p>', text: '{{amount}}' } }];
    const response = await save({ dunning: { enabled: true, steps, sendConfirmation: true, daytimeHours: [9, 18] } });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/^dunning\.steps\[0\]\.custom\.html line 1: Unknown variable "firstName"/);
    expect((await read()).body.dunning.steps).toHaveLength(4);
  });

  it.each([
    [{ branding: { accentColor: 'red' } }, 'branding.accentColor'],
    [{ branding: { logoUrl: 'http://insecure.example/logo.png' } }, 'branding.logoUrl'],
    [{ retryPolicy: { endAction: 'delete_customer' } }, 'retryPolicy.endAction'],
    [{ retryPolicy: { surprise: 1 } }, 'retryPolicy'],
    [{ dunning: { enabled: true } }, 'dunning.steps'],
    [{ postmarkServerToken: 'has spaces in it' }, 'postmarkServerToken'],
  ])('answers 400 naming the parameter for %j', async (body, param) => {
    const response = await save(body);
    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe(param);
  });

  it('needs a read-write key', async () => {
    expect((await save({ branding: { merchantName: 'Nope' } }, readKey)).status).toBe(403);
  });
});

describe('POST /api/settings/email-preview', () => {
  it('renders an unsaved step with the form’s branding, as the customer would get it', async () => {
    const steps = [{ dayOffset: 0, tone: 'soft_reminder', custom: { subject: '{{productName}} payment failed', html: '<p>Pay {{amount}}</p>', text: 'Pay {{amount}}' } }];
    const response = await request(testApp.server)
      .post('/api/settings/email-preview')
      .set('authorization', `Bearer ${readKey}`)
      .send({ stepIndex: 0, dunning: { enabled: true, steps, sendConfirmation: true, daytimeHours: [9, 18] }, branding: { productName: 'Acme Pro' } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ object: 'email_preview', subject: 'Acme Pro payment failed', text: expect.stringContaining('Pay $49.00') });
    expect(response.body.html).toContain('<p>Pay $49.00</p>');
  });

  it('answers 400 for a step the sequence does not have', async () => {
    const response = await request(testApp.server).post('/api/settings/email-preview').set('authorization', `Bearer ${readKey}`).send({ stepIndex: 7 });
    expect(response.body.error).toMatchObject({ param: 'stepIndex' });
  });
});
