import Stripe from 'stripe';
import request from 'supertest';
import { createTestApp } from '../support/testApp';
import { invoice, stripeEvent, T0 } from '../support/stripeEventBuilders';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
const APP_SECRET = 'absec_dashboard_test_secret';
const NOW = new Date((T0 + 9 * 86_400) * 1000); // 10 May 2026: the failures below happened this month
let now = NOW;
let testApp: Awaited<ReturnType<typeof createTestApp>>;
let key: string;

const signed = (accountId: string) =>
  Stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify({ user_id: 'usr_1', account_id: accountId }), secret: APP_SECRET });
const get = (path: string) => request(testApp.server).get(path).set('authorization', `Bearer ${key}`);

beforeAll(async () => {
  await Promise.all(['recoveryCases', 'recoveryRollups', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'apiKeys'].map((name) => db.connection.collection(name).deleteMany({})));
  testApp = await createTestApp(db.connection, { clock: { now: () => now }, env: { STRIPE_APP_SECRET: APP_SECRET, MERCHANT_RATE_LIMIT_PER_MINUTE: '10000' } });
  await testApp.deliverInstall('acct_dash');
  await testApp.deliverInstall('acct_other');
  // Seven failures on acct_dash over a week: five in dollars, two in euros; two of them paid later.
  for (let index = 0; index < 7; index += 1) {
    const fields = {
      id: `in_dash_${index}`,
      customer: `cus_dash_${index % 3}`,
      customer_email: `customer${index}@example.com`,
      currency: index < 5 ? 'usd' : 'eur',
      amount_due: 1000 * (index + 1),
      amount_remaining: 1000 * (index + 1),
    };
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice(fields), { account: 'acct_dash', created: T0 + index * 3600 }));
  }
  for (const index of [1, 5]) {
    await testApp.deliver(stripeEvent('invoice.paid', invoice({ id: `in_dash_${index}`, status: 'paid', amount_remaining: 0, amount_due: 1000 * (index + 1), currency: index < 5 ? 'usd' : 'eur' }), { account: 'acct_dash', created: T0 + 2 * 86_400 }));
  }
  // Another merchant's failure must never show up.
  await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_other', customer: 'cus_dash_0' }), { account: 'acct_other' }));
  const created = await request(testApp.server).post('/api/api-keys').set('stripe-signature', signed('acct_dash')).send({ user_id: 'usr_1', account_id: 'acct_dash', name: 'dashboard', scope: 'read' });
  key = created.body.key;
});

describe('GET /api/dashboard/stats', () => {
  it("sums this month's failures and recoveries per currency from the rollups", async () => {
    const response = await get('/api/dashboard/stats');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ object: 'recovery_stats', month: '2026-05', failedThisMonth: 7, recoveredThisMonth: 2, recoveredTotal: 2, activeSequences: 5, recoveryRate: 1 });
    expect(response.body.currencies).toEqual([
      expect.objectContaining({ currency: 'eur', failedThisMonthMinor: 6000 + 7000, recoveredThisMonthMinor: 6000, recoveryRate: 1, churnPrevented: 1 }),
      expect.objectContaining({ currency: 'usd', failedThisMonthMinor: 1000 + 2000 + 3000 + 4000 + 5000, recoveredThisMonthMinor: 2000, activeMinor: 1000 + 3000 + 4000 + 5000 }),
    ]);
    expect(response.body.trend.find((entry: { day: string }) => entry.day === '2026-05-01')).toMatchObject({ failed: 7 });
  });

  it('answers the Stripe App with the same numbers for the signed account', async () => {
    const response = await request(testApp.server).get('/api/dashboard/stats?user_id=usr_1&account_id=acct_dash').set('stripe-signature', signed('acct_dash'));
    expect(response.body.failedThisMonth).toBe(7);
  });
});

describe('GET /api/dashboard/payments', () => {
  it('pages newest first with a cursor, at most `limit` at a time, without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: request.Response = await get(`/api/dashboard/payments?limit=3${cursor ? `&starting_after=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...response.body.data.map((row: { invoiceId: string }) => row.invoiceId));
      cursor = response.body.next_cursor;
      expect(response.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual(['in_dash_6', 'in_dash_5', 'in_dash_4', 'in_dash_3', 'in_dash_2', 'in_dash_1', 'in_dash_0']);
  });

  it('filters by status, customer and the date the payment failed, and masks customer emails', async () => {
    const recovered = await get('/api/dashboard/payments?status=recovered');
    expect(recovered.body.data.map((row: { invoiceId: string }) => row.invoiceId)).toEqual(['in_dash_5', 'in_dash_1']);
    expect(recovered.body.data[0]).toMatchObject({ customerEmail: 'c***@example.com', recoveredBy: 'customer_payment', status: 'recovered' });
    const ofCustomer = await get('/api/dashboard/payments?customerId=cus_dash_0');
    expect(ofCustomer.body.data.map((row: { invoiceId: string }) => row.invoiceId)).toEqual(['in_dash_6', 'in_dash_3', 'in_dash_0']);
    const window = await get(`/api/dashboard/payments?from=${new Date((T0 + 3600) * 1000).toISOString()}&to=${new Date((T0 + 3 * 3600) * 1000).toISOString()}`);
    expect(window.body.data.map((row: { invoiceId: string }) => row.invoiceId)).toEqual(['in_dash_2', 'in_dash_1']);
    expect(JSON.stringify((await get('/api/dashboard/payments?limit=100')).body)).not.toMatch(/customer\d@example\.com/);
  });

  it('filters by the decline bucket the payment failed with (older cases without one count as ambiguous) and by currency', async () => {
    const cases = db.connection.collection('recoveryCases');
    await cases.updateOne({ accountId: 'acct_dash', caseKey: 'invoice:in_dash_3' }, { $set: { openingDeclineBucket: 'never_retry' } });
    await cases.updateOne({ accountId: 'acct_dash', caseKey: 'invoice:in_dash_2' }, { $unset: { openingDeclineBucket: '' } });
    const invoicesOf = async (query: string) => (await get(`/api/dashboard/payments?limit=100&${query}`)).body.data.map((row: { invoiceId: string }) => row.invoiceId);
    expect(await invoicesOf('openingDeclineBucket=never_retry')).toEqual(['in_dash_3']);
    expect(await invoicesOf('openingDeclineBucket=ambiguous')).toEqual(['in_dash_6', 'in_dash_5', 'in_dash_4', 'in_dash_2', 'in_dash_1', 'in_dash_0']);
    expect(await invoicesOf('openingDeclineBucket=soft')).toEqual([]);
    expect(await invoicesOf('currency=eur')).toEqual(['in_dash_6', 'in_dash_5']);
    expect(await invoicesOf('currency=eur&status=recovered')).toEqual(['in_dash_5']);
    await cases.updateOne({ accountId: 'acct_dash', caseKey: 'invoice:in_dash_3' }, { $set: { openingDeclineBucket: 'ambiguous' } });
    await cases.updateOne({ accountId: 'acct_dash', caseKey: 'invoice:in_dash_2' }, { $set: { openingDeclineBucket: 'ambiguous' } });
  });

  it.each([
    ['currency=USD', 'currency'],
    ['openingDeclineBucket=hard', 'openingDeclineBucket'],
    ['limit=101', 'limit'],
    ['limit=0', 'limit'],
    ['status=lost', 'status'],
    ['from=yesterday', 'from'],
    ['from=2026-05-03&to=2026-05-01', 'to'],
    ['starting_after=not-a-cursor', 'starting_after'],
    ['customerId=alice', 'customerId'],
  ])('answers 400 naming the parameter for %s', async (query, param) => {
    const response = await get(`/api/dashboard/payments?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', param });
  });
});

describe('GET /api/dashboard/sequences and /attention', () => {
  it('lists the active sequences with their progress through the dunning steps', async () => {
    const response = await get('/api/dashboard/sequences?limit=100');
    expect(response.body.data).toHaveLength(5);
    expect(response.body.data[0]).toMatchObject({ invoiceId: 'in_dash_6', paused: false, stepsDone: 0, stepsTotal: 4 });
  });

  it('lists cases that need the merchant, with the reason', async () => {
    const found = (await testApp.container.cases.findByKey('acct_dash', false, 'invoice:in_dash_4'))!;
    await testApp.container.recovery.mutate('acct_dash', found, (fresh) => ({ ...fresh, emailStatus: 'undeliverable' }));
    const response = await get('/api/dashboard/attention');
    expect(response.body.data).toEqual([expect.objectContaining({ invoiceId: 'in_dash_4', reason: 'email_undeliverable' })]);
  });
});

describe('GET /api/dashboard/export.csv', () => {
  it('streams every matching case as CSV with a header row and masked emails', async () => {
    const response = await get('/api/dashboard/export.csv?status=active');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="recovery-test-2026-05-10\.csv"$/);
    const lines = response.text.trim().split('\n');
    expect(lines[0]).toBe('id,invoiceId,customerId,customerEmail,amountMinor,currency,status,declineBucket,recoveredBy,group,attempts,emailsSent,openedAt,closedAt');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toContain(',in_dash_6,cus_dash_0,c***@example.com,7000,eur,active,');
  });

  it('keeps a customer value that looks like a spreadsheet formula from running', async () => {
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_formula', customer: 'cus_formula', customer_email: '=cmd@example.com' }), { account: 'acct_dash', created: T0 + 86_400 }));
    const response = await get('/api/dashboard/export.csv?customerId=cus_formula');
    expect(response.text).toContain(",'=***@example.com,");
  });
});

describe('POST /api/dashboard/export-link and GET /exports/<token>.csv', () => {
  const post = (body: object) => request(testApp.server).post('/api/dashboard/export-link').set('authorization', `Bearer ${key}`).send(body);
  const download = (url: string) => request(testApp.server).get(new URL(url).pathname + new URL(url).search);
  afterEach(() => {
    now = NOW;
  });

  it('gives a link on the public URL, valid five minutes, that downloads the filtered CSV with no other credentials', async () => {
    const link = await post({ currency: 'eur' });
    expect(link.status).toBe(200);
    expect(link.body).toEqual({ object: 'export_link', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/exports\/[\w-]+\.[\w-]+\.[\w-]+\.csv$/), expiresAt: new Date(NOW.getTime() + 5 * 60_000).toISOString() });
    now = new Date(NOW.getTime() + 4 * 60_000);
    const response = await download(link.body.url);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="recovery-test-2026-05-10.csv"');
    const lines = response.text.trim().split('\n');
    expect(lines.slice(1).map((line) => line.split(',')[1])).toEqual(['in_dash_6', 'in_dash_5']);
  });

  it('answers 403 with a clear message once the link has expired', async () => {
    const link = await post({});
    now = new Date(NOW.getTime() + 5 * 60_000 + 1000);
    const response = await download(link.body.url);
    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({ code: 'export_link_expired', message: expect.stringMatching(/expired.*5 minutes/) });
  });

  it('answers 403 for a link whose token was changed, cut short or made up', async () => {
    const link = await post({ currency: 'eur' });
    const token = new URL(link.body.url).pathname.slice('/exports/'.length, -'.csv'.length);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const widened = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    widened.flt = {};
    const changed = `${header}.${Buffer.from(JSON.stringify(widened)).toString('base64url')}.${signature}`;
    for (const path of [`/exports/${changed}.csv`, `/exports/${token.slice(0, -3)}.csv`, '/exports/anything.csv', `/exports/${token}`]) {
      const response = await request(testApp.server).get(path);
      expect([path, response.status, response.body.error?.code]).toEqual([path, 403, 'export_link_invalid']);
    }
  });

  it("exports only the linked account's cases with the linked filters: nothing in the download's query or another account's token changes that", async () => {
    const link = await post({ status: 'recovered' });
    const smuggled = await download(`${link.body.url}?account_id=acct_other&status=active&currency=usd&livemode=true`);
    expect(smuggled.text.trim().split('\n').slice(1).map((line) => line.split(',')[1])).toEqual(['in_dash_5', 'in_dash_1']);
    const token = new URL(link.body.url).pathname.slice('/exports/'.length, -'.csv'.length);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const otherAccount = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    otherAccount.acct = 'acct_other';
    const response = await request(testApp.server).get(`/exports/${header}.${Buffer.from(JSON.stringify(otherAccount)).toString('base64url')}.${signature}.csv`);
    expect(response.status).toBe(403);
    expect(response.text).not.toContain('in_other');
  });

  it('binds the link to the signed account of a Stripe App call, whatever account the body names', async () => {
    const app = await request(testApp.server).post('/api/dashboard/export-link').set('stripe-signature', signed('acct_dash')).send({ user_id: 'usr_1', account_id: 'acct_dash', status: 'active' });
    expect(app.status).toBe(200);
    expect((await download(app.body.url)).text).toContain('in_dash_6');
    const foreign = await request(testApp.server).post('/api/dashboard/export-link').set('stripe-signature', signed('acct_dash')).send({ user_id: 'usr_1', account_id: 'acct_other' });
    expect(foreign.status).toBe(401);
  });

  it.each([
    [{ status: 'lost' }, 'status'],
    [{ from: '2026-05-03', to: '2026-05-01' }, 'to'],
    [{ accountId: 'acct_other' }, undefined],
  ])('answers 400 for a bad filter or an unknown field: %j', async (body, param) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', ...(param ? { param } : { message: expect.stringMatching(/accountId/) }) });
  });
});
