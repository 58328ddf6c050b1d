import request from 'supertest';
import type { Tenancy } from '../../backend/src/renewals';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
const now = new Date('2027-03-20T09:00:00Z');
let testApp: Awaited<ReturnType<typeof createTestApp>>;
const keys: Record<string, string> = {};
const mine: Tenancy = { accountId: 'acct_riskroutes', livemode: false };
const otherMode: Tenancy = { accountId: 'acct_riskroutes', livemode: true };
const otherAccount: Tenancy = { accountId: 'acct_riskroutes_other', livemode: false };

async function renewal(tenancy: Tenancy, subscriptionId: string, customerId: string, card: { expMonth: number; expYear: number; funding: 'credit' | 'prepaid' }, amountMinor = 2900) {
  const store = testApp.container.renewals;
  await store.applySubscription({ ...tenancy, isAppInstall: true, subscriptionId, customerId, status: 'active', cancelAtPeriodEnd: false, renewsAt: new Date('2027-04-12T10:00:00Z'), amountMinor, currency: 'usd', at: now });
  await store.applyCustomer({ ...tenancy, customerId, email: 'ada@example.com', name: 'Ada Lovelace', country: 'US', at: now });
  await store.setCard(tenancy, subscriptionId, { paymentMethodId: `pm_${subscriptionId}`, fingerprint: null, brand: 'visa', last4: '4242', country: 'US', ...card }, 'customer', now);
  await store.recordPaid(tenancy, subscriptionId, new Date('2027-03-12T10:00:00Z'), amountMinor);
}

beforeAll(async () => {
  testApp = await createTestApp(db.connection, { clock: { now: () => now } });
  for (const [name, tenancy] of Object.entries({ mine, otherMode, otherAccount })) {
    keys[name] = (await testApp.container.apiKeys.create({ ...tenancy, name, scope: 'read_write', now })).key;
  }
  await renewal(mine, 'sub_safe', 'cus_safe', { expMonth: 9, expYear: 2030, funding: 'credit' });
  await renewal(mine, 'sub_expiring', 'cus_two', { expMonth: 3, expYear: 2027, funding: 'credit' });
  await renewal(mine, 'sub_worst', 'cus_two', { expMonth: 2, expYear: 2027, funding: 'prepaid' }, 4900);
  await renewal(otherMode, 'sub_expiring', 'cus_two', { expMonth: 3, expYear: 2027, funding: 'prepaid' });
  await renewal(otherAccount, 'sub_worst', 'cus_two', { expMonth: 3, expYear: 2027, funding: 'prepaid' });
  await testApp.container.renewalRisk.scoreUpcoming();
});

const as = (name: string) => ({
  get: (path: string) => request(testApp.server).get(path).set('authorization', `Bearer ${keys[name]}`),
  post: (path: string, body: object) => request(testApp.server).post(path).set('authorization', `Bearer ${keys[name]}`).send(body),
});

describe('POST /api/predict/risk', () => {
  it("scores every renewing subscription of the customer now and answers them as RenewalRiskView", async () => {
    const response = await as('mine').post('/api/predict/risk', { customerId: 'cus_two' });
    expect(response.status).toBe(200);
    expect(response.body.object).toBe('list');
    expect(response.body.data.map((view: { subscriptionId: string }) => view.subscriptionId).sort()).toEqual(['sub_expiring', 'sub_worst']);
    const expiring = response.body.data.find((view: { subscriptionId: string }) => view.subscriptionId === 'sub_expiring');
    expect(expiring).toEqual({
      object: 'renewal_risk',
      subscriptionId: 'sub_expiring',
      customerId: 'cus_two',
      customerEmail: 'a***@example.com',
      customerName: 'Ada Lovelace',
      renewsAt: '2027-04-12T10:00:00.000Z',
      amountMinor: 2900,
      currency: 'usd',
      score: 55,
      level: 'medium',
      model: 'rules',
      reasons: [{ code: 'card_expires_before_renewal', text: 'The card ending 4242 expires 03/2027, before the renewal on 12 April 2027.', weight: 55 }],
      card: { brand: 'visa', last4: '4242', expMonth: 3, expYear: 2027, funding: 'credit' },
      preDunning: { status: 'none', remindersSent: 0, nextReminderAt: null, stoppedBecause: null },
      scoredAt: now.toISOString(),
    });
  });

  it('answers 404 resource_missing for a subscription of another account or mode, and refuses two ids', async () => {
    const missing = await as('otherAccount').post('/api/predict/risk', { subscriptionId: 'sub_expiring' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('resource_missing');
    expect((await as('otherMode').post('/api/predict/risk', { subscriptionId: 'sub_safe' })).status).toBe(404);
    expect((await as('mine').post('/api/predict/risk', { subscriptionId: 'sub_safe', customerId: 'cus_safe' })).status).toBe(400);
  });
});

describe('GET /api/dashboard/at-risk', () => {
  it('ranks the next 30 days highest score first, pages with next_cursor, and sums those at or above the threshold', async () => {
    const first = await as('mine').get('/api/dashboard/at-risk?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data.map((view: { subscriptionId: string; score: number }) => [view.subscriptionId, view.score])).toEqual([
      ['sub_worst', 77],
      ['sub_expiring', 55],
    ]);
    expect(first.body.has_more).toBe(true);
    expect(first.body.summary).toEqual({ count: 1, amountMinorByCurrency: { usd: 4900 }, atOrAbove: 70 });
    const second = await as('mine').get(`/api/dashboard/at-risk?limit=2&starting_after=${first.body.next_cursor}`);
    expect(second.body.data.map((view: { subscriptionId: string }) => view.subscriptionId)).toEqual(['sub_safe']);
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
  });

  it('filters by minimum score, reason and pre-dunning state', async () => {
    const byScore = await as('mine').get('/api/dashboard/at-risk?min_score=50');
    expect(byScore.body.data.map((view: { subscriptionId: string }) => view.subscriptionId)).toEqual(['sub_worst', 'sub_expiring']);
    const byReason = await as('mine').get('/api/dashboard/at-risk?reason=prepaid_card');
    expect(byReason.body.data.map((view: { subscriptionId: string }) => view.subscriptionId)).toEqual(['sub_worst']);
    const planned = await as('mine').get('/api/dashboard/at-risk?pre_dunning=planned');
    expect(planned.body.data).toEqual([]);
    expect((await as('mine').get('/api/dashboard/at-risk?starting_after=nonsense')).status).toBe(400);
  });

  it("shows only the caller's own account and mode", async () => {
    const live = await as('otherMode').get('/api/dashboard/at-risk');
    expect(live.body.data.map((view: { subscriptionId: string; score: number }) => [view.subscriptionId, view.score])).toEqual([['sub_expiring', 77]]);
    const other = await as('otherAccount').get('/api/dashboard/at-risk');
    expect(other.body.data.map((view: { customerId: string }) => view.customerId)).toEqual(['cus_two']);
    expect(other.body.data).toHaveLength(1);
  });
});
