import Stripe from 'stripe';
import request from 'supertest';
import { HANDLED_EVENT_TYPES } from '../../backend/src/adapters/stripe';
import { DOCUMENTED_ROUTES } from '../../backend/src/api';
import { createTestApp } from '../support/testApp';
import { invoice, paymentIntent, stripeEvent } from '../support/stripeEventBuilders';
import { useTestDatabase } from '../support/testDatabase';

/**
 * One account with look-alike data in test and live mode. Every route of the
 * merchant API, called in one mode by both ways in, answers 404 for the other
 * mode's objects and lists none of them; every handled Stripe event type,
 * delivered in one mode, leaves the other mode's cases, account and
 * suppressions exactly as they were.
 */
const db = useTestDatabase();
const APP_SECRET = 'absec_test_live_matrix';
const ACCOUNT = 'acct_matrix_modes';
type Mode = 'live' | 'test';
const MODES: Mode[] = ['live', 'test'];
const isLive = (mode: Mode) => mode === 'live';
const otherThan = (mode: Mode): Mode => (mode === 'live' ? 'test' : 'live');
/** Amounts only one mode has, so a leak shows in any body. */
const AMOUNT: Record<Mode, number> = { live: 97531, test: 24680 };
const data: Record<Mode, { caseIds: string[]; key: string; keyId: string; experimentId: string; endpointId: string; deliveryId: string }> = {
  live: { caseIds: [], key: '', keyId: '', experimentId: '', endpointId: '', deliveryId: '' },
  test: { caseIds: [], key: '', keyId: '', experimentId: '', endpointId: '', deliveryId: '' },
};
let testApp: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  testApp = await createTestApp(db.connection, { env: { STRIPE_APP_SECRET: APP_SECRET, MERCHANT_RATE_LIMIT_PER_MINUTE: '10000' } });
  for (const mode of MODES) {
    const livemode = isLive(mode);
    await testApp.deliverInstall(ACCOUNT, livemode);
    for (const suffix of ['a', 'b']) {
      // Customer and subscription ids shared by both modes: group facts must still stay in their mode.
      const failed = invoice({ id: `in_${mode}_${suffix}`, customer: 'cus_shared', customer_email: `${mode}-${suffix}@example.com`, amount_due: AMOUNT[mode], amount_remaining: AMOUNT[mode] });
      await testApp.deliver(stripeEvent('invoice.payment_failed', failed, { account: ACCOUNT, livemode }));
      data[mode].caseIds.push((await testApp.container.cases.findByKey(ACCOUNT, livemode, `invoice:in_${mode}_${suffix}`))!.id);
    }
    // A recorded email on each mode's first case, so the email route has content it must not leak.
    const content = { to: `${mode}-a@example.com`, from: 'billing@example.com', replyTo: null, subject: `Payment of ${(AMOUNT[mode] / 100).toFixed(2)} failed`, html: `<p>in_${mode}_a</p>`, text: `in_${mode}_a` };
    await db.connection.collection('recoveryCases').updateOne(
      { accountId: ACCOUNT, livemode, caseKey: `invoice:in_${mode}_a` },
      { $set: { emails: [{ messageId: null, kind: 'dunning', stepIndex: 0, sentAt: new Date(), status: 'sent', deliveredAt: null, firstOpenedAt: null, firstClickedAt: null, opens: 0, clicks: 0, delivery: 'recorded_test_mode', content }] } },
    );
    await testApp.container.suppressions.suppress({ accountId: ACCOUNT, livemode, email: 'both-modes@example.com', reason: 'hard_bounce', at: new Date() });
    const created = await testApp.container.apiKeys.create({ accountId: ACCOUNT, livemode, name: `key-${mode}`, scope: 'read_write', now: new Date() });
    data[mode].key = created.key;
    data[mode].keyId = created.apiKey.id;
    const experiment = await testApp.container.experiments.create(ACCOUNT, livemode, { name: `experiment-${mode}`, kind: 'retry_policy', variant: { retryPolicy: { maxAttempts: 4 } }, horizonCases: 50 });
    data[mode].experimentId = experiment.kind === 'created' ? experiment.experiment.id : '';
    const endpoint = await testApp.container.outboundWebhooks.endpoints.create(ACCOUNT, livemode, { url: `https://hooks.example.com/${mode}`, enabledEvents: ['*'] }, new Date());
    if (!endpoint.ok) throw new Error(endpoint.refusal.message);
    data[mode].endpointId = endpoint.value.endpoint.id;
    const ping = await testApp.container.outboundWebhooks.deliveries.ping(ACCOUNT, livemode, endpoint.value.endpoint.id);
    if (!ping.ok) throw new Error(ping.refusal.message);
    data[mode].deliveryId = ping.value.delivery.id;
  }
});

/** Everything one mode holds, as stored. */
async function snapshotOf(mode: Mode) {
  const scope = { accountId: ACCOUNT, livemode: isLive(mode) };
  const read = (name: string) => db.connection.collection(name).find(scope).sort({ _id: 1 }).toArray();
  return { cases: await read('recoveryCases'), experiments: await read('experiments'), accounts: await read('accounts'), suppressions: await read('emailSuppressions'), apiKeys: (await read('apiKeys')).map(({ lastUsedAt: _used, ...key }) => key), webhookEndpoints: await read('webhookEndpoints'), webhookDeliveries: await read('webhookDeliveries'), renewals: await read('renewals') };
}

/** What of `mode` must never show in an answer to the other mode. */
const tracesOf = (mode: Mode) => new RegExp([`in_${mode}_`, `key-${mode}`, `experiment-${mode}`, data[mode].experimentId, ...data[mode].caseIds, String(AMOUNT[mode]), (AMOUNT[mode] / 100).toFixed(2), String(AMOUNT[mode] * 2)].join('|'));

type Call = { method: 'get' | 'post' | 'put' | 'delete'; path: string; body?: Record<string, unknown> };

/** The other mode's objects, on every route that takes an id. */
const idRoutes = (other: Mode): Array<[string, Call]> => [
  ['GET /api/recovery/status (invoice)', { method: 'get', path: `/api/recovery/status?invoiceId=in_${other}_a` }],
  ...['retry', 'remind', 'pause', 'resume', 'cancel', 'card-update-link'].map((action): [string, Call] => [
    `POST /api/recovery/${action}`,
    { method: 'post', path: `/api/recovery/${action}`, body: { caseId: data[other].caseIds[0] } },
  ]),
  ['GET /api/recovery/emails/:caseId/:index', { method: 'get', path: `/api/recovery/emails/${data[other].caseIds[0]}/0` }],
  ['DELETE /api/api-keys/:id', { method: 'delete', path: `/api/api-keys/${data[other].keyId}` }],
  ['GET /api/experiments/:id', { method: 'get', path: `/api/experiments/${data[other].experimentId}` }],
  ['POST /api/experiments/:id/stop', { method: 'post', path: `/api/experiments/${data[other].experimentId}/stop` }],
  ['POST /api/experiments/:id/promote', { method: 'post', path: `/api/experiments/${data[other].experimentId}/promote` }],
  ['POST /api/webhook-endpoints/:id', { method: 'post', path: `/api/webhook-endpoints/${data[other].endpointId}`, body: { description: 'changed from the other mode' } }],
  ['DELETE /api/webhook-endpoints/:id', { method: 'delete', path: `/api/webhook-endpoints/${data[other].endpointId}` }],
  ['POST /api/webhook-endpoints/:id/rotate-secret', { method: 'post', path: `/api/webhook-endpoints/${data[other].endpointId}/rotate-secret` }],
  ['POST /api/webhook-endpoints/:id/ping', { method: 'post', path: `/api/webhook-endpoints/${data[other].endpointId}/ping` }],
  ['GET /api/webhook-endpoints/:id/deliveries', { method: 'get', path: `/api/webhook-endpoints/${data[other].endpointId}/deliveries` }],
  ['POST /api/webhook-deliveries/:id/resend', { method: 'post', path: `/api/webhook-deliveries/${data[other].deliveryId}/resend` }],
  ['POST /api/predict/risk', { method: 'post', path: '/api/predict/risk', body: { subscriptionId: `sub_${other}_renewal` } }],
];

/** Lists and documents of the caller's own mode, and its own writes that take no id. */
const ownRoutes: Array<[string, Call]> = [
  ['GET /api/recovery/status (customer)', { method: 'get', path: '/api/recovery/status?customerId=cus_shared' }],
  ['GET /api/dashboard/stats', { method: 'get', path: '/api/dashboard/stats' }],
  ['GET /api/dashboard/lift', { method: 'get', path: '/api/dashboard/lift' }],
  ['GET /api/dashboard/payments', { method: 'get', path: '/api/dashboard/payments?limit=100' }],
  ['GET /api/dashboard/sequences', { method: 'get', path: '/api/dashboard/sequences?limit=100' }],
  ['GET /api/dashboard/attention', { method: 'get', path: '/api/dashboard/attention' }],
  ['GET /api/dashboard/export.csv', { method: 'get', path: '/api/dashboard/export.csv' }],
  ['GET /api/dashboard/at-risk', { method: 'get', path: '/api/dashboard/at-risk' }],
  ['GET /api/settings', { method: 'get', path: '/api/settings' }],
  ['GET /api/api-keys', { method: 'get', path: '/api/api-keys' }],
  ['PUT /api/settings', { method: 'put', path: '/api/settings', body: { branding: { merchantName: 'Changed in one mode' } } }],
  ['POST /api/settings/email-preview', { method: 'post', path: '/api/settings/email-preview', body: { stepIndex: 0 } }],
  ['POST /api/settings/pre-dunning-preview', { method: 'post', path: '/api/settings/pre-dunning-preview', body: { stepIndex: 0 } }],
  ['POST /api/api-keys', { method: 'post', path: '/api/api-keys', body: { name: 'another', scope: 'read' } }],
  ['GET /api/experiments', { method: 'get', path: '/api/experiments' }],
  ['GET /api/experiments/horizon', { method: 'get', path: '/api/experiments/horizon?baselineShare=0.3&minimumDetectableEffect=0.05' }],
  ['GET /api/webhook-endpoints', { method: 'get', path: '/api/webhook-endpoints' }],
  ['POST /api/webhook-endpoints', { method: 'post', path: '/api/webhook-endpoints', body: { url: 'https://hooks.example.com/another', enabledEvents: ['*'] } }],
  // The customer id is shared by both modes: export and erasure reach the caller's mode only.
  ['GET /api/customers/:id/data', { method: 'get', path: '/api/customers/cus_shared/data' }],
  ['DELETE /api/customers/:id/data', { method: 'delete', path: '/api/customers/cus_shared/data' }],
];

describe('POST /api/experiments', () => {
  it("starts an experiment in the caller's mode only, though the other mode runs one of the same kind", async () => {
    const before = await snapshotOf('live');
    const response = await ways['an API key']('test', { method: 'post', path: '/api/experiments', body: { name: 'email test', kind: 'email_sequence', variant: { dunning: { enabled: true, steps: [], sendConfirmation: false, daytimeHours: [9, 18] } }, horizonCases: 50 } });
    expect(response.status).toBe(201);
    expect(await snapshotOf('live')).toEqual(before);
  });
});
/**
 * Routes that read the named object at Stripe in the caller's mode; this app has no Stripe key, so the
 * other mode's invoice is refused without Stripe (test/api/executeApi.test.ts shows Stripe's own 404 across modes).
 */
const stripeRoutes = (other: Mode): Array<[string, Call]> => [['POST /api/recovery/execute', { method: 'post', path: '/api/recovery/execute', body: { invoiceId: `in_${other}_a` } }]];

const ways = {
  'an API key': (mode: Mode, call: Call) => request(testApp.server)[call.method](call.path).set('authorization', `Bearer ${data[mode].key}`).send(call.body ?? {}),
  'a Stripe App signature': (mode: Mode, call: Call) => {
    const identity = { user_id: 'usr_matrix', account_id: ACCOUNT };
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(identity), secret: APP_SECRET });
    const inQuery = call.method === 'get' || call.method === 'delete';
    const path = inQuery ? `${call.path}${call.path.includes('?') ? '&' : '?'}user_id=usr_matrix&account_id=${ACCOUNT}&livemode=${isLive(mode)}` : call.path;
    return request(testApp.server)[call.method](path).set('stripe-signature', signature).send(inQuery ? {} : { ...identity, livemode: isLive(mode), ...call.body });
  },
};

describe.each(Object.entries(ways))('merchant API called with %s', (_way, send) => {
  describe.each(MODES)('in %s mode', (mode) => {
    const other = otherThan(mode);

    it.each(idRoutes(other).map(([name]) => name))("answers 404 for the other mode's object on %s and changes nothing", async (name) => {
      const before = await snapshotOf(other);
      const [, call] = idRoutes(other).find(([candidate]) => candidate === name)!;
      const response = await send(mode, call);
      expect(response.status).toBe(404);
      // The id the caller sent may be echoed; nothing else of the other mode may appear.
      const echoed = [`in_${other}_a`, String(call.body?.caseId), data[other].keyId, data[other].endpointId, data[other].deliveryId];
      expect(echoed.reduce((text, id) => text.replaceAll(id, ''), JSON.stringify(response.body))).not.toMatch(tracesOf(other));
      expect(await snapshotOf(other)).toEqual(before);
    });

    it.each(stripeRoutes(other).map(([name]) => name))("refuses the other mode's object on %s and changes nothing", async (name) => {
      const before = await snapshotOf(other);
      const [, call] = stripeRoutes(other).find(([candidate]) => candidate === name)!;
      const response = await send(mode, call);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(response.body).replaceAll(`in_${other}_a`, '')).not.toMatch(tracesOf(other));
      expect(await snapshotOf(other)).toEqual(before);
    });

    it("downloads nothing of the other mode through POST /api/dashboard/export-link and GET /exports/:file", async () => {
      const link = await send(mode, { method: 'post', path: '/api/dashboard/export-link', body: {} });
      expect(link.status).toBe(200);
      const download = await request(testApp.server).get(new URL(link.body.url).pathname);
      expect(download.status).toBe(200);
      expect(download.text).toContain(`in_${mode}_a`);
      expect(download.text).not.toMatch(tracesOf(other));
    });

    it.each(ownRoutes.map(([name]) => name))("shows and changes nothing of the other mode on %s", async (name) => {
      const before = await snapshotOf(other);
      const [, call] = ownRoutes.find(([candidate]) => candidate === name)!;
      const response = await send(mode, call);
      expect(response.status).toBeLessThan(300);
      expect(response.text).not.toMatch(tracesOf(other));
      expect(await snapshotOf(other)).toEqual(before);
    });
  });
});

describe('POST /api/settings/postmark-webhook-credentials', () => {
  it("issues credentials for the caller's mode only: the other mode's own Postmark server keeps its own", async () => {
    await testApp.container.accounts.ensureRecord(ACCOUNT, true, new Date());
    await testApp.container.accounts.updateSettings(ACCOUNT, true, { postmarkServerTokenSealed: 'v2.sealed-elsewhere', postmarkWebhook: { username: 'pm_live_only', passwordSha256: '0'.repeat(64), createdAt: new Date() } });
    const live = await snapshotOf('live');
    const rotate: Call = { method: 'post', path: '/api/settings/postmark-webhook-credentials' };
    for (const send of Object.values(ways)) {
      const response = await send('test', rotate);
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('postmark_not_configured');
    }
    expect(await snapshotOf('live')).toEqual(live);
    const own = await ways['an API key']('live', rotate);
    expect(own.status).toBe(200);
    expect(own.body.url).toMatch(/\/api\/webhooks\/postmark\/accounts\/acct_matrix_modes\/live$/);
  });
});

it('covers every documented route of the merchant API', () => {
  const exportLink: Array<[string]> = [['POST /api/dashboard/export-link'], ['GET /exports/:file']];
  const covered = new Set([...idRoutes('live'), ...stripeRoutes('live'), ...ownRoutes, ['POST /api/experiments'], ['POST /api/settings/postmark-webhook-credentials'], ...exportLink].map(([name]) => name!.replace(/ \(.*\)$/, '')));
  expect(DOCUMENTED_ROUTES.filter((route) => !covered.has(route))).toEqual([]);
});

/** One event of each handled type for the account in `mode`, naming the shared customer and subscription and the other mode's invoices. */
function eventOf(type: (typeof HANDLED_EVENT_TYPES)[number], mode: Mode): Record<string, unknown> {
  const other = otherThan(mode);
  const options = { account: ACCOUNT, livemode: isLive(mode) };
  const subscription = { id: 'sub_alice', object: 'subscription', customer: 'cus_shared', status: 'canceled', default_payment_method: 'pm_new' };
  const objects: Record<(typeof HANDLED_EVENT_TYPES)[number], Record<string, unknown>> = {
    'invoice.payment_failed': invoice({ id: `in_${mode}_new`, customer: 'cus_shared' }),
    'invoice.payment_action_required': invoice({ id: `in_${mode}_action`, customer: 'cus_shared' }),
    'invoice.paid': invoice({ id: `in_${other}_a`, customer: 'cus_shared', status: 'paid', amount_remaining: 0 }),
    'invoice.payment_succeeded': invoice({ id: `in_${other}_b`, customer: 'cus_shared', status: 'paid', amount_remaining: 0 }),
    'invoice.voided': invoice({ id: `in_${other}_a`, customer: 'cus_shared', status: 'void' }),
    'invoice.marked_uncollectible': invoice({ id: `in_${other}_b`, customer: 'cus_shared', status: 'uncollectible' }),
    'customer.subscription.created': { ...subscription, status: 'active', default_payment_method: null, items: { object: 'list', data: [{ id: 'si_1', quantity: 1, current_period_end: Math.floor(Date.now() / 1000) + 86_400, price: { unit_amount: 2500, currency: 'usd' } }] } },
    'customer.subscription.updated': { ...subscription, status: 'past_due' },
    'invoice.upcoming': { object: 'invoice', customer: 'cus_shared', amount_due: 2500, currency: 'usd', next_payment_attempt: Math.floor(Date.now() / 1000) + 86_400, parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_alice' } } },
    'customer.subscription.deleted': subscription,
    'payment_intent.payment_failed': paymentIntent({ id: `pi_${mode}_new`, customer: 'cus_shared', invoice: null }),
    'payment_intent.succeeded': paymentIntent({ id: `pi_${other}_a`, customer: 'cus_shared', status: 'succeeded', invoice: `in_${other}_a`, last_payment_error: null }),
    'payment_method.attached': { id: 'pm_new', object: 'payment_method', customer: 'cus_shared', card: { brand: 'visa', last4: '4242', fingerprint: 'fp_new' } },
    'payment_method.automatically_updated': { id: 'pm_new', object: 'payment_method', customer: 'cus_shared', card: { brand: 'visa', last4: '4243', fingerprint: 'fp_new' } },
    'customer.updated': { id: 'cus_shared', object: 'customer', email: 'new@example.com', invoice_settings: { default_payment_method: 'pm_new' } },
    'customer.deleted': { id: 'cus_shared', object: 'customer', email: 'alice@example.com', name: 'Alice Shared' },
    'charge.dispute.created': { id: `dp_${mode}`, object: 'dispute', charge: { id: 'ch_1', customer: 'cus_shared', payment_intent: 'pi_shared' }, payment_intent: 'pi_shared', created: Math.floor(Date.now() / 1000) },
    'checkout.session.completed': { id: 'cs_1', object: 'checkout.session', mode: 'setup', customer: 'cus_shared', setup_intent: { id: 'seti_1', payment_method: 'pm_new' } },
    'account.application.authorized': { id: 'ca_app', object: 'application' },
    'account.application.deauthorized': { id: 'ca_app', object: 'application' },
  };
  return stripeEvent(type, objects[type], { ...options, created: Math.floor(Date.now() / 1000) + 3600, previous: type === 'customer.subscription.updated' ? { status: 'active' } : type === 'customer.updated' ? { invoice_settings: { default_payment_method: 'pm_old' } } : undefined });
}

describe.each(MODES)('every handled Stripe event type delivered in %s mode', (mode) => {
  const other = otherThan(mode);
  it.each([...HANDLED_EVENT_TYPES])("%s leaves the other mode's cases, account and suppressions as they were", async (type) => {
    const before = await snapshotOf(other);
    const response = await testApp.deliver(eventOf(type, mode));
    expect(response.status).toBe(200);
    expect(await snapshotOf(other)).toEqual(before);
  });
});

it('was not a test of nothing: the events did change their own mode', async () => {
  // Deauthorized last in each mode: that mode's cases were canceled, so the events reached their own data.
  for (const mode of MODES) {
    const cases = await db.connection.collection('recoveryCases').find({ accountId: ACCOUNT, livemode: isLive(mode) }).toArray();
    expect(cases.some((found) => found.status === 'canceled')).toBe(true);
  }
});
