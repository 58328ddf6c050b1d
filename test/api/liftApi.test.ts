import request from 'supertest';
import { createSecretBox } from '../../backend/src/accounts';
import { assignHoldoutGroup } from '../../backend/src/lift/holdout';
import { createSettingsService } from '../../backend/src/settings';
import { MINIMUM_CASES_PER_GROUP } from '../../backend/src/stats';
import { createTestApp } from '../support/testApp';
import { invoice, stripeEvent, T0 } from '../support/stripeEventBuilders';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The holdout setting and GET /api/dashboard/lift: the figures come from the
 * rollups, and must equal a recount from the cases themselves.
 */
const db = useTestDatabase();
const ACCOUNT = 'acct_lift';
const NOW = new Date((T0 + 20 * 86_400) * 1000);
/**
 * A fixed salt, chosen so that each group holds at least five more ended dollar
 * cases than the minimum. A salt drawn at random left a group short in about
 * one run in seventy (81 ended cases split at 0.5), and the figures below failed.
 */
const FAILURES = 96;
/** Failure `index` of the seeding below: the first 90 in dollars, the rest in euros; every tenth left open. */
const isDollar = (index: number) => index < 90;
const staysOpen = (index: number) => index % 10 === 9;
const ENDED_DOLLAR_CUSTOMERS = Array.from({ length: FAILURES }, (_, index) => index).filter((index) => isDollar(index) && !staysOpen(index)).map((index) => `cus_lift_${index}`);
const controlCustomers = (salt: string) => ENDED_DOLLAR_CUSTOMERS.filter((customer) => assignHoldoutGroup({ salt, share: 0.5 }, customer) === 'control').length;
const SALT = Array.from({ length: 100 }, (_, index) => index.toString(16).padStart(32, '0')).find((salt) => {
  const control = controlCustomers(salt);
  return Math.min(control, ENDED_DOLLAR_CUSTOMERS.length - control) >= MINIMUM_CASES_PER_GROUP + 5;
})!;
let testApp: Awaited<ReturnType<typeof createTestApp>>;
let key: string;

const get = (path: string) => request(testApp.server).get(path).set('authorization', `Bearer ${key}`);
const save = (body: object) => request(testApp.server).put('/api/settings').set('authorization', `Bearer ${key}`).send(body);

beforeAll(async () => {
  await Promise.all(['recoveryCases', 'recoveryRollups', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'apiKeys'].map((name) => db.connection.collection(name).deleteMany({})));
  testApp = await createTestApp(db.connection, { clock: { now: () => NOW }, env: { MERCHANT_RATE_LIMIT_PER_MINUTE: '10000' } });
  await testApp.deliverInstall(ACCOUNT);
  expect(await testApp.container.accounts.ensureHoldoutSalt(ACCOUNT, false, SALT)).toBe(SALT);
  key = (await testApp.container.apiKeys.create({ accountId: ACCOUNT, livemode: false, name: 'lift', scope: 'read_write', now: NOW })).key;
  expect((await save({ holdoutShare: 0.5 })).status).toBe(200);

  // 90 dollar failures (ended: paid, voided, or left open) and 6 euro ones; one without a customer.
  const deliveries: Array<Record<string, unknown>> = [];
  for (let index = 0; index < FAILURES; index += 1) {
    const currency = isDollar(index) ? 'usd' : 'eur';
    const fields = { id: `in_lift_${index}`, customer: `cus_lift_${index}`, customer_email: `c${index}@example.com`, currency, amount_due: 1000 + index, amount_remaining: 1000 + index };
    deliveries.push(stripeEvent('invoice.payment_failed', invoice(fields), { account: ACCOUNT, created: T0 + index * 60 }));
    if (staysOpen(index)) continue;
    const closing = index % 3 === 0 ? 'invoice.voided' : 'invoice.paid';
    deliveries.push(stripeEvent(closing, invoice({ ...fields, status: closing === 'invoice.paid' ? 'paid' : 'void', amount_remaining: closing === 'invoice.paid' ? 0 : fields.amount_remaining }), { account: ACCOUNT, created: T0 + 86_400 + index * 60 }));
  }
  deliveries.push(stripeEvent('invoice.payment_failed', invoice({ id: 'in_lift_nobody', customer: null, customer_email: null }), { account: ACCOUNT, created: T0 }));
  for (const event of deliveries) await testApp.deliver(event);
}, 120_000);

describe('the holdout setting', () => {
  it('is 10 % for a merchant who has not chosen, and accepts 0 to 0.5', async () => {
    const settings = createSettingsService({ accounts: testApp.container.accounts, secrets: createSecretBox('a-secrets-key-of-at-least-32-characters') });
    expect((await settings.read('acct_never_set', false)).holdoutShare).toBe(0.1);
    expect((await get('/api/settings')).body.holdoutShare).toBe(0.5);
    for (const share of [0.6, -0.1]) {
      const refused = await save({ holdoutShare: share });
      expect([refused.status, refused.body.error.param]).toEqual([400, 'holdoutShare']);
    }
    expect((await get('/api/settings')).body.holdoutShare).toBe(0.5);
  });

  it('gives the account one salt, generated once and kept', async () => {
    const account = (await testApp.container.accounts.find(ACCOUNT, false))!;
    expect(account.holdoutSalt).toMatch(/^[0-9a-f]{32}$/);
    expect(await testApp.container.accounts.ensureHoldoutSalt(ACCOUNT, false, 'another')).toBe(account.holdoutSalt);
    expect(await testApp.container.settings.holdoutOf(account)).toEqual({ salt: account.holdoutSalt, share: 0.5 });
  });

  it('gives an account stored before the holdout existed (no salt field at all) its salt once', async () => {
    await db.connection.collection('accounts').insertOne({ accountId: 'acct_older', livemode: true, source: 'self_hosted', status: 'installed', installedAt: NOW, uninstalledAt: null, branding: null, settings: null });
    const first = await testApp.container.accounts.ensureHoldoutSalt('acct_older', true, 'first');
    expect([first, await testApp.container.accounts.ensureHoldoutSalt('acct_older', true, 'second')]).toEqual(['first', 'first']);
    // Test and live records of one account are separate merchants' worth of data: the other mode has none yet.
    expect(await testApp.container.accounts.find('acct_older', false)).toBeNull();
  });
});

describe('GET /api/dashboard/lift', () => {
  it('equals a recount from the cases, per currency and group', async () => {
    const response = await get('/api/dashboard/lift');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ object: 'recovery_lift', holdoutShare: 0.5, minimumCasesPerGroup: MINIMUM_CASES_PER_GROUP });

    const cases = await db.connection.collection('recoveryCases').find({ accountId: ACCOUNT, livemode: false, countsInLift: true }).toArray();
    const recount = (currency: string, group: string) => {
      const mine = cases.filter((found) => found.currency === currency && found.group === group);
      const ended = mine.filter((found) => found.status !== 'active');
      const recovered = mine.filter((found) => found.status === 'recovered');
      return { cases: mine.length, ended: ended.length, recovered: recovered.length, recoveredMinor: recovered.reduce((sum, found) => sum + (found.amountMinor as number), 0) };
    };
    expect(response.body.currencies.map((entry: { currency: string }) => entry.currency)).toEqual(['eur', 'usd']);
    for (const entry of response.body.currencies) {
      for (const group of ['treated', 'control']) {
        const counted = recount(entry.currency, group);
        expect(entry[group]).toMatchObject(counted);
        // A group with no ended cases has no share, rather than 0 %.
        expect(entry[group].recoveredShare).toEqual(counted.ended === 0 ? null : expect.closeTo(counted.recovered / counted.ended, 4));
      }
    }
    // Every case with a customer is in the lift, in one group or the other; the one without is treated, outside it.
    expect(cases).toHaveLength(96);
    expect(await db.connection.collection('recoveryCases').findOne({ accountId: ACCOUNT, caseKey: 'invoice:in_lift_nobody' })).toMatchObject({ group: 'treated', countsInLift: false });
    expect(response.body.currencies.find((entry: { currency: string }) => entry.currency === 'usd')).toMatchObject({ enoughData: true });
  });

  it("shows treated − control with Newcombe's 95 % interval once each group has enough ended cases", async () => {
    const usd = (await get('/api/dashboard/lift')).body.currencies.find((entry: { currency: string }) => entry.currency === 'usd');
    expect(usd.treated.ended).toBeGreaterThanOrEqual(MINIMUM_CASES_PER_GROUP);
    expect(usd.control.ended).toBeGreaterThanOrEqual(MINIMUM_CASES_PER_GROUP);
    expect(usd.difference.estimate).toBeCloseTo(usd.treated.recovered / usd.treated.ended - usd.control.recovered / usd.control.ended, 4);
    expect(usd.difference.low).toBeLessThan(usd.difference.estimate);
    expect(usd.difference.high).toBeGreaterThan(usd.difference.estimate);
  });

  it('says there is not enough data, with no difference, while a group has too few ended cases', async () => {
    const eur = (await get('/api/dashboard/lift')).body.currencies.find((entry: { currency: string }) => entry.currency === 'eur');
    expect(eur.treated.cases + eur.control.cases).toBe(6);
    expect(eur).toMatchObject({ enoughData: false, difference: null });
  });

  it('labels the control cases in the payments list, the case view and the CSV export', async () => {
    const control = await db.connection.collection('recoveryCases').findOne({ accountId: ACCOUNT, group: 'control' });
    const invoiceId = (control!.target as { invoiceId: string }).invoiceId;
    const payments = await get(`/api/dashboard/payments?customerId=${control!.stripeCustomerId}`);
    expect(payments.body.data[0]).toMatchObject({ invoiceId, group: 'control' });
    expect((await get(`/api/recovery/status?invoiceId=${invoiceId}`)).body.group).toBe('control');
    const csv = (await get(`/api/dashboard/export.csv?customerId=${control!.stripeCustomerId}`)).text.trim().split('\n');
    expect(csv[1]!.split(',')[csv[0]!.split(',').indexOf('group')]).toBe('control');
  });

  it('keeps control cases out of the needs-attention list: the merchant stepping in would spoil the measurement', async () => {
    const { holdoutSalt } = (await testApp.container.accounts.find(ACCOUNT, false))!;
    const candidates = Array.from({ length: 40 }, (_, index) => `cus_attention_${index}`);
    const inGroup = (group: string) => candidates.find((id) => assignHoldoutGroup({ salt: holdoutSalt!, share: 0.5 }, id) === group)!;
    for (const customer of [inGroup('control'), inGroup('treated')]) {
      await testApp.deliver(stripeEvent('invoice.payment_action_required', invoice({ id: `in_${customer}`, customer }), { account: ACCOUNT, created: T0 + 5 * 86_400 }));
    }
    const listed = (await get('/api/dashboard/attention?limit=100')).body.data.map((row: { customerId: string; group: string }) => [row.customerId, row.group]);
    expect(listed).toContainEqual([inGroup('treated'), 'treated']);
    expect(listed.map(([customerId]: [string]) => customerId)).not.toContain(inGroup('control'));
  });
});
