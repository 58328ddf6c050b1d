import request from 'supertest';
import { createTestApp } from '../support/testApp';
import { invoice, stripeEvent } from '../support/stripeEventBuilders';
import { useTestDatabase } from '../support/testDatabase';

/**
 * GET and DELETE /api/customers/:id/data: a merchant's data-access and
 * erasure requests for one customer, in the caller's account and mode only.
 */
const db = useTestDatabase();
const ACCOUNT = 'acct_privacy_api';
const OTHER = 'acct_privacy_other';
let testApp: Awaited<ReturnType<typeof createTestApp>>;
const keys = { test: '', live: '', readOnly: '', other: '' };

beforeEach(async () => {
  const collections = await db.connection.db!.listCollections().toArray();
  await Promise.all(collections.map((found) => db.connection.collection(found.name).deleteMany({})));
  testApp = await createTestApp(db.connection);
  const now = new Date();
  for (const livemode of [false, true]) {
    await testApp.deliverInstall(ACCOUNT, livemode);
    // The same customer id in both modes, with a different address in each.
    const failed = invoice({ id: `in_${livemode ? 'live' : 'test'}`, customer: 'cus_ann', customer_email: `ann-${livemode ? 'live' : 'test'}@example.com`, customer_name: 'Ann Lee', amount_due: 4200, amount_remaining: 4200 });
    await testApp.deliver(stripeEvent('invoice.payment_failed', failed, { account: ACCOUNT, livemode }));
  }
  await testApp.deliverInstall(OTHER);
  await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_other', customer: 'cus_ben', customer_email: 'ben@example.com' }), { account: OTHER }));
  await testApp.container.suppressions.suppress({ accountId: ACCOUNT, livemode: false, email: 'ann-test@example.com', reason: 'hard_bounce', at: now });
  keys.test = (await testApp.container.apiKeys.create({ accountId: ACCOUNT, livemode: false, name: 'test', scope: 'read_write', now })).key;
  keys.live = (await testApp.container.apiKeys.create({ accountId: ACCOUNT, livemode: true, name: 'live', scope: 'read_write', now })).key;
  keys.readOnly = (await testApp.container.apiKeys.create({ accountId: ACCOUNT, livemode: false, name: 'read', scope: 'read', now })).key;
  keys.other = (await testApp.container.apiKeys.create({ accountId: OTHER, livemode: false, name: 'other', scope: 'read_write', now })).key;
});

const get = (key: string, customer: string) => request(testApp.server).get(`/api/customers/${customer}/data`).set('authorization', `Bearer ${key}`);
const erase = (key: string, customer: string) => request(testApp.server).delete(`/api/customers/${customer}/data`).set('authorization', `Bearer ${key}`);

describe('GET /api/customers/:id/data', () => {
  it("exports what the caller's mode holds about the customer, raw Stripe payloads included, and nothing of the other mode", async () => {
    const response = await get(keys.test, 'cus_ann');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ object: 'customer_data', customerId: 'cus_ann', livemode: false });
    const { collections } = response.body as { collections: Record<string, Record<string, unknown>[]> };
    expect(collections.recoveryCases).toEqual([expect.objectContaining({ stripeCustomerId: 'cus_ann', customerEmail: 'ann-test@example.com', customerName: 'Ann Lee', amountMinor: 4200 })]);
    expect(collections.emailSuppressions).toEqual([expect.objectContaining({ email: 'ann-test@example.com' })]);
    expect(collections.stripeEvents).toEqual([expect.objectContaining({ type: 'invoice.payment_failed', payload: expect.objectContaining({ data: { object: expect.objectContaining({ customer_email: 'ann-test@example.com' }) } }) })]);
    expect(response.text).not.toContain('ann-live@example.com');
  });

  it("answers 404 for another account's customer, and for a customer the account does not have", async () => {
    for (const [key, customer] of [[keys.other, 'cus_ann'], [keys.test, 'cus_ben'], [keys.test, 'cus_nobody']] as const) {
      const response = await get(key, customer);
      expect(response.status).toBe(404);
      expect(response.text).not.toMatch(/ann-|ben@|Ann Lee|4200/);
    }
  });

  it('refuses what is not a customer id', async () => {
    expect((await get(keys.test, 'in_test')).status).toBe(400);
  });
});

describe('DELETE /api/customers/:id/data', () => {
  it('erases the customer in the caller’s mode, keeps the amounts and outcomes, and says what it erased', async () => {
    const response = await erase(keys.test, 'cus_ann');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ object: 'customer_erasure', customerId: 'cus_ann', livemode: false, erased: { recoveryCases: 1, emailSuppressions: 1, stripeEvents: 1 } });

    const after = await get(keys.test, 'cus_ann');
    expect(after.status).toBe(200);
    expect(after.text).not.toMatch(/ann-test@example\.com|Ann Lee/i);
    expect(after.body.collections.recoveryCases).toEqual([expect.objectContaining({ stripeCustomerId: 'cus_ann', customerEmail: null, amountMinor: 4200, currency: 'usd', status: 'active' })]);
    // The live-mode customer with the same id keeps everything.
    expect((await get(keys.live, 'cus_ann')).text).toContain('ann-live@example.com');
  });

  it('is idempotent: a second erasure answers 200, erases nothing and writes nothing', async () => {
    expect((await erase(keys.test, 'cus_ann')).status).toBe(200);
    const dump = async () => Promise.all(['recoveryCases', 'stripeEvents', 'emailSuppressions', 'erasedCustomers'].map((name) => db.connection.collection(name).find({}).sort({ _id: 1 }).toArray()));
    const once = await dump();
    const again = await erase(keys.test, 'cus_ann');
    expect(again.status).toBe(200);
    expect(Object.values(again.body.erased as Record<string, number>).every((count) => count === 0)).toBe(true);
    expect(await dump()).toEqual(once);
  });

  it("erases nothing of another account's customer, and answers 404", async () => {
    const response = await erase(keys.other, 'cus_ann');
    expect(response.status).toBe(404);
    expect((await get(keys.test, 'cus_ann')).text).toContain('ann-test@example.com');
  });

  it('needs a read-write key', async () => {
    const response = await erase(keys.readOnly, 'cus_ann');
    expect(response.status).toBe(403);
    expect((await get(keys.test, 'cus_ann')).text).toContain('ann-test@example.com');
  });
});
