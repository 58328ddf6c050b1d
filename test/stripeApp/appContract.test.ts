import request from 'supertest';
import * as fixtures from '../../stripe-app/test/fixtures';
import { createRecoveryWorld } from '../support/recoveryWorld';
import { shapeDifferences, type ShapeRules } from '../support/shapeOf';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The Stripe App's view tests run against a fake backend answering with the
 * fixtures in stripe-app/test/fixtures.ts. This file holds the real backend to
 * those fixtures: it calls every route of stripe-app/src/api/backendClient.ts
 * with real data (a test-mode merchant whose payments failed at the Stripe
 * sandbox and went through retries and emails) and compares the SHAPE of each
 * answer with its fixture, as test/support/shapeOf.ts defines it:
 *
 * - same keys, recursively; each element of an answer's array is compared with
 *   the fixture's first element;
 * - same JSON types;
 * - null in the answer is allowed where the fixture is null, or where App's
 *   contract (stripe-app/src/api/contract/) types the field `| null`: the
 *   NULLABLE list below, by field name or dotted path suffix;
 * - objects whose keys are optional in the contract (a decline, an outcome, a
 *   timeline entry, an experiment's variant), records (payday calendars,
 *   metadata) and the ping's event, which the views do not read, are OPEN:
 *   only the keys both sides have are compared.
 *
 * A failure lists each path that differs, e.g.
 * `data[].nextAction.at: null where the fixture has string, ...`.
 */

/** The contract's `| null` fields (stripe-app/src/api/contract/). */
const NULLABLE = [
  'recoveryRate', 'next_cursor', 'invoiceId', 'customerId', 'customerEmail', 'declineBucket', 'recoveredBy', 'closedAt', 'nextEmailAt', 'nextRetryAt',
  'outcome', 'decline', 'nextAction', 'nextAction.at', 'emails[].step', 'deliveredAt', 'openedAt', 'clickedAt', 'step', 'replyTo',
  'logoUrl', 'supportEmail', 'custom', 'lastUsedAt', 'revokedAt', 'description', 'disabledReason', 'secretRotationEndsAt',
  'attempts[].statusCode', 'attempts[].error', 'paymentIntentId', 'subscriptionId', 'openingDeclineBucket', 'retries[].status', 'nextAttemptAt', 'recoveredShare', 'difference', 'pValue', 'winner', 'meanDaysToRecovery', 'emailsOpened', 'emailsClicked',
  'customerName', 'card', 'card.brand', 'card.last4', 'nextReminderAt', 'stoppedBecause',
];
const OPEN = ['decline', 'outcome', 'paydayCalendars', 'metadata', 'timeline[]', 'variant', 'event', 'amountMinorByCurrency'];
const RULES: ShapeRules = { nullable: NULLABLE, open: OPEN };

const listOf = <T>(...data: T[]) => ({ object: 'list' as const, data });

describe('shapeDifferences', () => {
  it('finds nothing between two answers that differ only in values', () => {
    expect(shapeDifferences({ id: 'case_2', amounts: [{ minor: 1 }, { minor: 2 }], closedAt: null }, { id: 'case_1', amounts: [{ minor: 9 }], closedAt: null })).toEqual([]);
  });

  it('names each missing key, unexpected key and changed type by its path, through arrays', () => {
    const answer = { id: 1, data: [{ at: '2026-05-01' }, { at: '2026-05-02', extra: true }] };
    const fixture = { id: 'case_1', data: [{ at: 'x', kind: 'retry' }] };
    expect(shapeDifferences(answer, fixture)).toEqual([
      'data[].kind: missing (the fixture has string)',
      'data[].extra: unexpected key (boolean), not in the fixture',
      'id: number where the fixture has string',
    ]);
  });

  it('lets a null through only where the fixture is null or the rules say the field may be null', () => {
    const fixture = { closedAt: '2026-05-01', nextAction: { at: 'x' }, amount: 1, recoveredAt: null };
    const answer = { closedAt: null, nextAction: { at: null }, amount: null, recoveredAt: '2026-05-03' };
    expect(shapeDifferences(answer, fixture, { nullable: ['closedAt', 'nextAction.at'] })).toEqual(['amount: null where the fixture has number, and the contract does not say it may be null']);
  });

  it('compares only the shared keys of an open object', () => {
    const fixture = { decline: { code: 'card_declined', declineCode: 'insufficient_funds' } };
    expect(shapeDifferences({ decline: { code: 'expired_card', message: 'Your card has expired.' } }, fixture, { open: ['decline'] })).toEqual([]);
    expect(shapeDifferences({ decline: { code: 7 } }, fixture, { open: ['decline'] })).toEqual(['decline.code: number where the fixture has string']);
  });
});

const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-05-04T14:00:00Z'); // a Monday
let world: Awaited<ReturnType<typeof createRecoveryWorld>>;
let key: string;

const as = () => ({
  get: (path: string) => request(world.backend.server).get(path).set('authorization', `Bearer ${key}`),
  post: (path: string, body: object = {}) => request(world.backend.server).post(path).set('authorization', `Bearer ${key}`).send(body),
  put: (path: string, body: object) => request(world.backend.server).put(path).set('authorization', `Bearer ${key}`).send(body),
  delete: (path: string) => request(world.backend.server).delete(path).set('authorization', `Bearer ${key}`),
});

/** The answer, checked for its status, then for its shape against the fixture. */
async function expectShape(pending: request.Test | Promise<request.Response>, status: number, fixture: unknown): Promise<request.Response> {
  const response = await pending;
  expect({ status: response.status, error: response.body?.error }).toEqual({ status, error: undefined });
  expect(shapeDifferences(response.body, fixture, RULES)).toEqual([]);
  return response;
}

beforeAll(async () => {
  await Promise.all(
    ['recoveryCases', 'recoveryRollups', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'cardAttempts', 'emailSuppressions', 'apiKeys', 'webhookEndpoints', 'webhookDeliveries', 'outboundEvents', 'experiments', 'renewals'].map((name) =>
      db.connection.collection(name).deleteMany({}),
    ),
  );
  world = await createRecoveryWorld(db.connection, { start });
  key = (await world.container.apiKeys.create({ accountId: SELF_HOSTED_ACCOUNT, livemode: false, name: 'app contract', scope: 'read_write', now: start })).key;
  // Three failed renewals: one keeps failing, one is paid by our retry, one needs a new card.
  const keepsFailing = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'insufficient_funds' }], then: 'repeat_last' });
  const paysLater = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'insufficient_funds' }], then: 'succeed' });
  const expired = world.customerWithCard('platform', { declines: [{ code: 'expired_card' }], then: 'repeat_last' });
  for (const customer of [keepsFailing, paysLater, expired]) world.sandbox.billing.renew('platform', customer.subscriptionId);
  await world.runUntil(new Date(start.getTime() + 12 * DAY));
}, 120_000);
afterAll(async () => {
  await world.stop();
});

describe('the dashboard routes answer as the App’s fixtures say', () => {
  it('GET /api/dashboard/stats', async () => {
    const response = await expectShape(as().get('/api/dashboard/stats'), 200, fixtures.stats);
    expect(response.body.byRecoveryMethod).not.toEqual([]);
  });

  it('GET /api/dashboard/payments, sequences and attention', async () => {
    const payments = await expectShape(as().get('/api/dashboard/payments?limit=2'), 200, fixtures.payments);
    expect(payments.body).toMatchObject({ has_more: true, next_cursor: expect.any(String) });
    expect((await expectShape(as().get('/api/dashboard/sequences'), 200, fixtures.sequences)).body.data).not.toEqual([]);
    expect((await expectShape(as().get('/api/dashboard/attention?limit=10'), 200, fixtures.attention)).body.data).not.toEqual([]);
  });

  it('GET /api/dashboard/payments with every filter the App sends, a later page, and sequences as the App pages them', async () => {
    const first = await expectShape(as().get('/api/dashboard/payments?limit=1&currency=usd&from=2026-05-01&to=2026-06-01'), 200, fixtures.payments);
    expect(first.body.has_more).toBe(true);
    const last = await expectShape(as().get(`/api/dashboard/payments?limit=20&currency=usd&from=2026-05-01&to=2026-06-01&starting_after=${first.body.next_cursor}`), 200, fixtures.lastPaymentsPage);
    expect(last.body).toMatchObject({ has_more: false, next_cursor: null });
    const bucket = first.body.data[0].openingDeclineBucket as string;
    const ofBucket = await expectShape(as().get(`/api/dashboard/payments?limit=20&status=active&openingDeclineBucket=${bucket}`), 200, fixtures.payments);
    expect(ofBucket.body.data.every((row: { status: string; openingDeclineBucket: string }) => row.status === 'active' && row.openingDeclineBucket === bucket)).toBe(true);
    await expectShape(as().get('/api/dashboard/sequences?limit=20'), 200, fixtures.sequences);
  });

  it('POST /api/dashboard/export-link, and the link downloads the CSV with nothing else', async () => {
    const link = await expectShape(as().post('/api/dashboard/export-link', { status: 'active', currency: 'usd' }), 200, fixtures.exportLink);
    const download = await request(world.backend.server).get(new URL(link.body.url).pathname);
    expect(download.status).toBe(200);
    expect(download.text.split('\n')[0]).toMatch(/^id,invoiceId,customerId,/);
    expect(download.text.trim().split('\n').length).toBeGreaterThan(1);
  });

  it('GET /api/dashboard/lift', async () => {
    await expectShape(as().get('/api/dashboard/lift'), 200, fixtures.lift);
  });
});

describe('the case routes answer as the App’s fixtures say', () => {
  /** The case still recovering: retried, emailed, waiting for its next retry. */
  async function activeCase() {
    const sequences = await as().get('/api/dashboard/sequences');
    const row = sequences.body.data.find((each: { nextRetryAt: string | null }) => each.nextRetryAt !== null);
    return (await as().get(`/api/recovery/status?invoiceId=${row.invoiceId}`)).body as { id: string; invoiceId: string; customerId: string };
  }

  it('GET /api/recovery/status, by invoice and by customer, for an open and a recovered case', async () => {
    const open = await activeCase();
    const detail = await expectShape(as().get(`/api/recovery/status?invoiceId=${open.invoiceId}`), 200, fixtures.activeCase);
    expect(detail.body.retries).not.toEqual([]);
    expect(detail.body.emails).not.toEqual([]);
    await expectShape(as().get(`/api/recovery/status?customerId=${open.customerId}`), 200, listOf(fixtures.activeCase));
    const recovered = (await as().get('/api/dashboard/payments?status=recovered')).body.data[0];
    await expectShape(as().get(`/api/recovery/status?invoiceId=${recovered.invoiceId}`), 200, fixtures.activeCase);
  });

  it('GET /api/recovery/emails/:caseId/:index', async () => {
    const open = await activeCase();
    await expectShape(as().get(`/api/recovery/emails/${open.id}/0`), 200, fixtures.recordedEmail);
  });

  it('POST /api/recovery/card-update-link, pause, resume and retry', async () => {
    const open = await activeCase();
    await expectShape(as().post('/api/recovery/card-update-link', { caseId: open.id }), 200, fixtures.cardUpdateLink);
    await expectShape(as().post('/api/recovery/pause', { caseId: open.id }), 200, fixtures.activeCase);
    await expectShape(as().post('/api/recovery/resume', { caseId: open.id }), 200, fixtures.activeCase);
    await expectShape(as().post('/api/recovery/retry', { caseId: open.id }), 202, fixtures.retryScheduled);
  });
});

describe('the settings routes answer as the App’s fixtures say', () => {
  it('GET and PUT /api/settings, with the holdout share, and the email preview', async () => {
    await expectShape(as().get('/api/settings'), 200, fixtures.settings);
    const saved = await expectShape(as().put('/api/settings', { holdoutShare: 0.2 }), 200, fixtures.settings);
    expect(saved.body.holdoutShare).toBe(0.2);
    await expectShape(as().post('/api/settings/email-preview', { stepIndex: 0 }), 200, fixtures.emailPreview);
    await as().put('/api/settings', { holdoutShare: 0 });
  });

  it('PUT /api/settings with pre-dunning and the risk alert threshold, the pre-dunning preview, and a refused sequence', async () => {
    const steps = [{ daysBefore: 21, custom: { subject: 'Your card expires soon', html: '<p>Update it here: {{card_update_url}}</p>', text: 'Update it here: {{card_update_url}}' } }, { daysBefore: 7, custom: null }];
    const saved = await expectShape(as().put('/api/settings', { preDunning: { steps }, renewalRisk: { alertThreshold: 60 } }), 200, fixtures.settings);
    expect(saved.body.preDunning.steps.map((step: { daysBefore: number }) => step.daysBefore)).toEqual([21, 7]);
    expect(saved.body.renewalRisk).toEqual({ alertThreshold: 60 });
    await expectShape(as().post('/api/settings/pre-dunning-preview', { stepIndex: 0 }), 200, fixtures.preDunningPreview);
    await expectShape(as().post('/api/settings/pre-dunning-preview', { stepIndex: 1, preDunning: { enabled: true, steps } }), 200, fixtures.preDunningPreview);
    // The settings view shows the backend's message as it is: it must name what is wrong.
    const refused = await as().put('/api/settings', { preDunning: { steps: [{ daysBefore: 3, custom: null }, { daysBefore: 14, custom: null }] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/preDunning/);
    const defaults = fixtures.settings;
    await expectShape(as().put('/api/settings', { preDunning: defaults.preDunning, renewalRisk: defaults.renewalRisk }), 200, fixtures.settings);
  });

  it('lists, creates and revokes API keys', async () => {
    const created = await expectShape(as().post('/api/api-keys', { name: 'Reports', scope: 'read' }), 201, fixtures.createdApiKey);
    await expectShape(as().get('/api/api-keys'), 200, fixtures.apiKeys);
    await expectShape(as().delete(`/api/api-keys/${created.body.id}`), 200, fixtures.revokedApiKey);
  });
});

describe('the webhook endpoint routes answer as the App’s fixtures say', () => {
  it('create (with its secret), list, change, rotate (with the new secret), ping, deliveries with hasMore, resend, delete', async () => {
    const created = await expectShape(as().post('/api/webhook-endpoints', { url: 'https://hooks.example.com/recovery', enabledEvents: ['recovery.succeeded'], description: 'CRM' }), 201, fixtures.createdEndpoint);
    const id = created.body.id as string;
    await expectShape(as().get('/api/webhook-endpoints'), 200, listOf(fixtures.endpoint));
    await expectShape(as().post(`/api/webhook-endpoints/${id}`, { status: 'disabled' }), 200, fixtures.disabledEndpoint);
    await expectShape(as().post(`/api/webhook-endpoints/${id}`, { status: 'enabled' }), 200, fixtures.endpoint);
    await expectShape(as().post(`/api/webhook-endpoints/${id}/rotate-secret`, { overlapHours: 48 }), 200, fixtures.rotatedEndpoint);
    const ping = await expectShape(as().post(`/api/webhook-endpoints/${id}/ping`), 202, fixtures.pingAnswer);
    await as().post(`/api/webhook-endpoints/${id}/ping`);
    const page = await expectShape(as().get(`/api/webhook-endpoints/${id}/deliveries?limit=1`), 200, fixtures.deliveriesPage);
    expect(page.body.hasMore).toBe(true);
    await expectShape(as().post(`/api/webhook-deliveries/${ping.body.delivery.id}/resend`), 202, fixtures.failedDelivery);
    await expectShape(as().delete(`/api/webhook-endpoints/${id}`), 200, fixtures.deletedEndpoint);
  });
});

describe('the experiment routes answer as the App’s fixtures say', () => {
  it('create, list and stop', async () => {
    const draft = { name: 'Faster retries', kind: 'retry_policy', variant: { retryPolicy: { gapsHours: [24, 24] } }, horizonCases: 100 };
    const created = await expectShape(as().post('/api/experiments', draft), 201, fixtures.runningExperiment);
    await expectShape(as().get('/api/experiments'), 200, listOf(fixtures.runningExperiment));
    await expectShape(as().post(`/api/experiments/${created.body.id}/stop`), 200, fixtures.runningExperiment);
  });
});

describe('the renewal risk routes answer as the App’s fixtures say', () => {
  const tenancy = { accountId: SELF_HOSTED_ACCOUNT, livemode: false };

  /** A sandbox customer whose card expires the month before their renewal, 20 days from now, as intake records it. */
  async function customerWithExpiringCard() {
    const customer = world.customerWithCard('platform', { declines: [], then: 'succeed' });
    await world.settle();
    const now = world.clock.now();
    const renewsAt = new Date(now.getTime() + 20 * DAY);
    const lastValidMonth = new Date(Date.UTC(renewsAt.getUTCFullYear(), renewsAt.getUTCMonth() - 1, 1));
    const { renewals } = world.container;
    await renewals.applySubscription({ ...tenancy, isAppInstall: false, subscriptionId: customer.subscriptionId, customerId: customer.customerId, status: 'active', cancelAtPeriodEnd: false, renewsAt, amountMinor: 4900, currency: 'usd', at: now });
    await renewals.applyCustomer({ ...tenancy, customerId: customer.customerId, email: 'alice@example.com', name: 'Alice Martin', country: 'US', at: now });
    const card = { paymentMethodId: customer.paymentMethodId, fingerprint: customer.fingerprint, brand: 'visa', last4: '4242', expMonth: lastValidMonth.getUTCMonth() + 1, expYear: lastValidMonth.getUTCFullYear(), funding: 'prepaid' as const, country: 'US' };
    await renewals.setCard(tenancy, customer.subscriptionId, card, 'customer', now);
    return customer;
  }

  it('POST /api/predict/risk scores a customer’s renewal now; 404 resource_missing for a customer with no active subscription', async () => {
    const customer = await customerWithExpiringCard();
    const scored = await expectShape(as().post('/api/predict/risk', { customerId: customer.customerId }), 200, fixtures.customerRisk);
    expect(scored.body.data).toEqual([expect.objectContaining({ object: 'renewal_risk', subscriptionId: customer.subscriptionId, customerId: customer.customerId })]);
    expect(scored.body.data[0].reasons).not.toEqual([]);
    expect(scored.body.data[0].card).not.toBeNull();
    const missing = await as().post('/api/predict/risk', { customerId: 'cus_never_seen' });
    expect({ status: missing.status, code: missing.body.error?.code }).toEqual({ status: 404, code: 'resource_missing' });
  });

  it('GET /api/dashboard/at-risk?limit=5, with the summary against the alert threshold', async () => {
    const customer = await customerWithExpiringCard();
    await as().post('/api/predict/risk', { customerId: customer.customerId });
    const page = await expectShape(as().get('/api/dashboard/at-risk?limit=5'), 200, fixtures.atRisk);
    expect(page.body.data.map((risk: { subscriptionId: string }) => risk.subscriptionId)).toContain(customer.subscriptionId);
    expect(page.body.summary.atOrAbove).toBe(fixtures.settings.renewalRisk.alertThreshold);
  });
});
