import Stripe from 'stripe';
import request from 'supertest';
import { DOCUMENTED_ROUTES } from '../../backend/src/api';
import { createTestApp } from '../support/testApp';
import { invoice, stripeEvent } from '../support/stripeEventBuilders';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Two merchants with look-alike data. Every route of the merchant API is
 * called by alpha with beta's ids, by both ways in: beta's objects answer 404
 * and never appear in alpha's lists.
 */
const db = useTestDatabase();
const APP_SECRET = 'absec_matrix_secret';
let testApp: Awaited<ReturnType<typeof createTestApp>>;
const beta = { caseId: '', keyId: '', experimentId: '', invoiceId: 'in_beta_only', customerId: 'cus_beta_only', endpointId: '', deliveryId: '' };
let alphaKey: string;

beforeAll(async () => {
  await Promise.all(['recoveryCases', 'recoveryRollups', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'apiKeys'].map((name) => db.connection.collection(name).deleteMany({})));
  testApp = await createTestApp(db.connection, { env: { STRIPE_APP_SECRET: APP_SECRET, MERCHANT_RATE_LIMIT_PER_MINUTE: '10000' } });
  await testApp.deliverInstall('acct_matrix_alpha');
  await testApp.deliverInstall('acct_matrix_beta');
  await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_alpha_only', customer: 'cus_alpha_only', customer_email: 'alpha@example.com' }), { account: 'acct_matrix_alpha' }));
  await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: beta.invoiceId, customer: beta.customerId, customer_email: 'beta@example.com', amount_due: 777, amount_remaining: 777 }), { account: 'acct_matrix_beta' }));
  beta.caseId = (await testApp.container.cases.findByKey('acct_matrix_beta', false, `invoice:${beta.invoiceId}`))!.id;
  const now = new Date();
  alphaKey = (await testApp.container.apiKeys.create({ accountId: 'acct_matrix_alpha', livemode: false, name: 'alpha', scope: 'read_write', now })).key;
  beta.keyId = (await testApp.container.apiKeys.create({ accountId: 'acct_matrix_beta', livemode: false, name: 'beta', scope: 'read_write', now })).apiKey.id;
  await db.connection.collection('experiments').deleteMany({});
  const experiment = await testApp.container.experiments.create('acct_matrix_beta', false, { name: 'beta experiment', kind: 'retry_policy', variant: { retryPolicy: { maxAttempts: 4 } }, horizonCases: 50 });
  beta.experimentId = experiment.kind === 'created' ? experiment.experiment.id : '';
  const endpoint = await testApp.container.outboundWebhooks.endpoints.create('acct_matrix_beta', false, { url: 'https://hooks.beta.example/recovery', enabledEvents: ['*'] }, now);
  if (!endpoint.ok) throw new Error(endpoint.refusal.message);
  beta.endpointId = endpoint.value.endpoint.id;
  const ping = await testApp.container.outboundWebhooks.deliveries.ping('acct_matrix_beta', false, beta.endpointId);
  if (!ping.ok) throw new Error(ping.refusal.message);
  beta.deliveryId = ping.value.delivery.id;
  // Beta's customer renews soon on a risky card: a renewal alpha must never see or score.
  const renewal = await testApp.container.renewals.applySubscription({
    accountId: 'acct_matrix_beta',
    livemode: false,
    isAppInstall: true,
    subscriptionId: 'sub_beta_only',
    customerId: beta.customerId,
    status: 'active',
    cancelAtPeriodEnd: false,
    renewsAt: new Date(now.getTime() + 10 * 86_400_000),
    amountMinor: 777,
    currency: 'usd',
    at: now,
  });
  await testApp.container.renewals.saveRisk(renewal.id, { score: 90, reasons: [{ code: 'prepaid_card', text: 'A prepaid card.', weight: 22 }], model: 'rules', scoredAt: now });
});

type Call = { method: 'get' | 'post' | 'put' | 'delete'; path: string; body?: Record<string, unknown> };

/** Alpha asks for beta's objects on every route that takes an id (read when the test runs, after beta's objects exist). */
const idRoutes: Array<[string, () => Call]> = [
  ['GET /api/recovery/status (invoice)', () => ({ method: 'get', path: `/api/recovery/status?invoiceId=${beta.invoiceId}` })],
  ...['retry', 'remind', 'pause', 'resume', 'cancel', 'card-update-link'].map((action): [string, () => Call] => [
    `POST /api/recovery/${action}`,
    () => ({ method: 'post', path: `/api/recovery/${action}`, body: { caseId: beta.caseId } }),
  ]),
  ['GET /api/recovery/emails/:caseId/:index', () => ({ method: 'get', path: `/api/recovery/emails/${beta.caseId}/0` })],
  ['DELETE /api/api-keys/:id', () => ({ method: 'delete', path: `/api/api-keys/${beta.keyId}` })],
  ['GET /api/experiments/:id', () => ({ method: 'get', path: `/api/experiments/${beta.experimentId}` })],
  ['POST /api/experiments/:id/stop', () => ({ method: 'post', path: `/api/experiments/${beta.experimentId}/stop` })],
  ['POST /api/experiments/:id/promote', () => ({ method: 'post', path: `/api/experiments/${beta.experimentId}/promote` })],
  ['POST /api/webhook-endpoints/:id', () => ({ method: 'post', path: `/api/webhook-endpoints/${beta.endpointId}`, body: { url: 'https://alpha.example.com/steal' } })],
  ['DELETE /api/webhook-endpoints/:id', () => ({ method: 'delete', path: `/api/webhook-endpoints/${beta.endpointId}` })],
  ['POST /api/webhook-endpoints/:id/rotate-secret', () => ({ method: 'post', path: `/api/webhook-endpoints/${beta.endpointId}/rotate-secret` })],
  ['POST /api/webhook-endpoints/:id/ping', () => ({ method: 'post', path: `/api/webhook-endpoints/${beta.endpointId}/ping` })],
  ['GET /api/webhook-endpoints/:id/deliveries', () => ({ method: 'get', path: `/api/webhook-endpoints/${beta.endpointId}/deliveries` })],
  ['POST /api/webhook-deliveries/:id/resend', () => ({ method: 'post', path: `/api/webhook-deliveries/${beta.deliveryId}/resend` })],
  ['GET /api/customers/:id/data', () => ({ method: 'get', path: `/api/customers/${beta.customerId}/data` })],
  ['DELETE /api/customers/:id/data', () => ({ method: 'delete', path: `/api/customers/${beta.customerId}/data` })],
  ['POST /api/predict/risk (customer)', () => ({ method: 'post', path: '/api/predict/risk', body: { customerId: beta.customerId } })],
  ['POST /api/predict/risk (subscription)', () => ({ method: 'post', path: '/api/predict/risk', body: { subscriptionId: 'sub_beta_only' } })],
];

/** Alpha's lists and documents, which must hold nothing of beta's. */
const listRoutes: Array<[string, Call]> = [
  ['GET /api/recovery/status (customer)', { method: 'get', path: `/api/recovery/status?customerId=cus_beta_only` }],
  ['GET /api/dashboard/stats', { method: 'get', path: '/api/dashboard/stats' }],
  ['GET /api/dashboard/lift', { method: 'get', path: '/api/dashboard/lift' }],
  ['GET /api/dashboard/payments', { method: 'get', path: '/api/dashboard/payments?limit=100' }],
  ['GET /api/dashboard/sequences', { method: 'get', path: '/api/dashboard/sequences?limit=100' }],
  ['GET /api/dashboard/attention', { method: 'get', path: '/api/dashboard/attention' }],
  ['GET /api/dashboard/export.csv', { method: 'get', path: '/api/dashboard/export.csv' }],
  ['GET /api/settings', { method: 'get', path: '/api/settings' }],
  ['GET /api/api-keys', { method: 'get', path: '/api/api-keys' }],
  ['GET /api/experiments', { method: 'get', path: '/api/experiments' }],
  ['GET /api/experiments/horizon', { method: 'get', path: '/api/experiments/horizon?baselineShare=0.3&minimumDetectableEffect=0.05' }],
  ['GET /api/webhook-endpoints', { method: 'get', path: '/api/webhook-endpoints' }],
  ['GET /api/dashboard/at-risk', { method: 'get', path: '/api/dashboard/at-risk?limit=100' }],
];

const ways = {
  'an API key': (call: Call) => request(testApp.server)[call.method](call.path).set('authorization', `Bearer ${alphaKey}`).send(call.body ?? {}),
  'a Stripe App signature': (call: Call) => {
    const identity = { user_id: 'usr_alpha', account_id: 'acct_matrix_alpha' };
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(identity), secret: APP_SECRET });
    const inQuery = call.method === 'get' || call.method === 'delete';
    const path = inQuery ? `${call.path}${call.path.includes('?') ? '&' : '?'}user_id=usr_alpha&account_id=acct_matrix_alpha` : call.path;
    return request(testApp.server)[call.method](path).set('stripe-signature', signature).send(inQuery ? {} : { ...identity, ...call.body });
  },
};

describe.each(Object.entries(ways))('alpha calling with %s', (_way, send) => {
  it.each(idRoutes)("gets 404 for beta's object on %s", async (_name, call) => {
    const sent = call();
    const response = await send(sent);
    expect(response.status).toBe(404);
    expect(response.body.error.type).toBe('not_found_error');
    // The id alpha sent may be echoed; nothing beta stored may appear.
    const echoed = typeof sent.body?.customerId === 'string' ? sent.body.customerId : null;
    const answer = JSON.stringify(response.body);
    expect(echoed ? answer.split(echoed).join('') : answer).not.toMatch(/777|b\*\*\*@example|acct_matrix_beta|cus_beta_only/);
  });

  it.each(listRoutes)("sees nothing of beta's on %s", async (_name, call) => {
    const response = await send(call);
    expect(response.status).toBe(200);
    expect(response.text).not.toMatch(/beta|777|acct_matrix_beta/);
  });

  it("downloads nothing of beta's through POST /api/dashboard/export-link and GET /exports/:file, even filtering on beta's customer", async () => {
    const download = async (body: Record<string, unknown>) => {
      const link = await send({ method: 'post', path: '/api/dashboard/export-link', body });
      expect(link.status).toBe(200);
      return request(testApp.server).get(new URL(link.body.url).pathname);
    };
    const all = await download({});
    expect(all.status).toBe(200);
    expect(all.text).toContain('in_alpha_only');
    expect(all.text).not.toMatch(/beta|777|b\*\*\*@example/);
    const ofBeta = await download({ customerId: beta.customerId });
    expect(ofBeta.text.trim().split('\n')).toHaveLength(1);
  });
});

it('leaves beta’s case and key untouched after all of that', async () => {
  const found = (await testApp.container.cases.findById('acct_matrix_beta', false, beta.caseId))!;
  expect(found).toMatchObject({ status: 'active', pausedAt: null, reminderRequestedAt: null, nextActionTrigger: 'schedule', customerEmail: 'beta@example.com' });
  expect((await testApp.container.apiKeys.list('acct_matrix_beta', false))[0]).toMatchObject({ revokedAt: null });
  expect(await testApp.container.experiments.find('acct_matrix_beta', false, beta.experimentId)).toMatchObject({ status: 'running' });
  expect(await testApp.container.outboundWebhooks.endpointStore.find('acct_matrix_beta', false, beta.endpointId)).toMatchObject({ url: 'https://hooks.beta.example/recovery', previousSecretSealed: null });
  expect(await testApp.container.outboundWebhooks.deliveryStore.listForEndpoint('acct_matrix_beta', false, beta.endpointId, 10, null)).toHaveLength(1);
});

it('covers every documented route of the merchant API', () => {
  const exportLink = ['POST /api/dashboard/export-link', 'GET /exports/:file'];
  const covered = new Set([...idRoutes, ...listRoutes].map(([name]) => name.replace(/ \(.*\)$/, '')).concat(exportLink));
  // Rotating Postmark webhook credentials acts on the caller's account only: senderSettingsApi.test.ts holds another account's untouched.
  const needsNoId = ['PUT /api/settings', 'POST /api/settings/email-preview', 'POST /api/settings/pre-dunning-preview', 'POST /api/settings/postmark-webhook-credentials', 'POST /api/api-keys', 'POST /api/experiments', 'POST /api/webhook-endpoints'];
  // Reads the named payment at Stripe, which this app has no key for: executeApi.test.ts holds another account's invoice to a 404.
  const heldAtStripe = ['POST /api/recovery/execute'];
  expect(DOCUMENTED_ROUTES.filter((route) => !covered.has(route) && !needsNoId.includes(route) && !heldAtStripe.includes(route))).toEqual([]);
});
