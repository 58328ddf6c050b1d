import request from 'supertest';
import { ERASE_UNINSTALLED_ACCOUNTS_JOB } from '../../backend/src/scheduler';
import { ManualClock } from '../support/recoveryWorld';
import { invoice, stripeEvent, T0 } from '../support/stripeEventBuilders';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';
import { workerJobNamed } from '../support/workerJobs';

/**
 * After an uninstall, an account's data waits UNINSTALL_GRACE_DAYS (30 by
 * default) for a reinstall; then the worker's erase-uninstalled-accounts job
 * erases it. Reinstalling in between keeps everything.
 */
const db = useTestDatabase();
const DAY = 86_400_000;
const GONE = 'acct_gone';
const STAYS = 'acct_stays';
let clock: ManualClock;
let testApp: Awaited<ReturnType<typeof createTestApp>>;

beforeEach(async () => {
  const collections = await db.connection.db!.listCollections().toArray();
  await Promise.all(collections.map((found) => db.connection.collection(found.name).deleteMany({})));
  clock = new ManualClock(new Date(T0 * 1000));
  testApp = await createTestApp(db.connection, { clock, env: { UNINSTALL_GRACE_DAYS: '30' } });
});

/** One run of the worker's job, as the worker would run it. */
const eraseUninstalled = () => workerJobNamed(testApp.container, ERASE_UNINSTALLED_ACCOUNTS_JOB).run();

/** An installed account with a case, an API key, a webhook endpoint and settings. */
async function merchantWithData(account: string) {
  await testApp.deliverInstall(account);
  await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: `in_${account}`, customer: `cus_${account}`, customer_email: `${account}@example.com` }), { account }));
  const { key } = await testApp.container.apiKeys.create({ accountId: account, livemode: false, name: 'k', scope: 'read_write', now: clock.now() });
  const endpoint = await request(testApp.server).post('/api/webhook-endpoints').set('authorization', `Bearer ${key}`).send({ url: 'http://127.0.0.1:9/hooks', enabledEvents: ['*'] });
  expect(endpoint.status).toBe(201);
  await testApp.container.accounts.setBranding(account, false, { merchantName: `${account} Ltd` });
}

/** How many documents of the account each collection holds (collections holding none left out). */
async function holdings(account: string): Promise<Record<string, number>> {
  const collections = await db.connection.db!.listCollections().toArray();
  const counts: Record<string, number> = {};
  for (const { name } of collections) {
    const count = await db.connection.collection(name).countDocuments({ accountId: account });
    if (count > 0) counts[name] = count;
  }
  return counts;
}

const uninstall = (account: string, created: number) => testApp.deliver(stripeEvent('account.application.deauthorized', { id: 'ca_app', object: 'application' }, { account, created }));
const reinstall = (account: string, created: number) => testApp.deliver(stripeEvent('account.application.authorized', { id: 'ca_app', object: 'application' }, { account, created }));

describe(`the ${ERASE_UNINSTALLED_ACCOUNTS_JOB} job`, () => {
  it('erases an uninstalled account’s data once the grace period has passed, and only that account’s', async () => {
    await merchantWithData(GONE);
    await merchantWithData(STAYS);
    const staysBefore = await holdings(STAYS);
    await uninstall(GONE, T0 + 60);
    const goneBefore = await holdings(GONE);
    expect(goneBefore).toMatchObject({ recoveryCases: 1, apiKeys: 1, webhookEndpoints: 1, accounts: 1, stripeEvents: expect.any(Number) });

    clock.set(new Date((T0 + 60) * 1000 + 29 * DAY));
    expect(await eraseUninstalled()).toBe(0);
    expect(await holdings(GONE)).toEqual(goneBefore);

    clock.set(new Date((T0 + 60) * 1000 + 30 * DAY));
    expect(await eraseUninstalled()).toBe(1);
    // The install record alone stays (a late, older install event must still lose against the uninstall), without settings or branding.
    expect(await holdings(GONE)).toEqual({ accounts: 1 });
    const record = await db.connection.collection('accounts').findOne({ accountId: GONE, livemode: false });
    expect(record).toMatchObject({ status: 'uninstalled', branding: null, settings: null, dataErasedAt: clock.now() });
    expect(await holdings(STAYS)).toEqual(staysBefore);

    // Nothing left to do: a second run erases nothing.
    expect(await eraseUninstalled()).toBe(0);
  });

  it('keeps everything when the account reinstalls within the grace period', async () => {
    await merchantWithData(GONE);
    await uninstall(GONE, T0 + 60);
    await reinstall(GONE, T0 + 10 * 86_400);
    const before = await holdings(GONE);
    clock.set(new Date(T0 * 1000 + 90 * DAY));
    expect(await eraseUninstalled()).toBe(0);
    expect(await holdings(GONE)).toEqual(before);
    expect(before).toMatchObject({ recoveryCases: 1, apiKeys: 1, webhookEndpoints: 1 });
  });

  it('starts a new grace period when a reinstalled account uninstalls again', async () => {
    await merchantWithData(GONE);
    await uninstall(GONE, T0 + 60);
    await reinstall(GONE, T0 + 10 * 86_400);
    await uninstall(GONE, T0 + 20 * 86_400);
    clock.set(new Date((T0 + 20 * 86_400) * 1000 + 29 * DAY));
    expect(await eraseUninstalled()).toBe(0);
    clock.set(new Date((T0 + 20 * 86_400) * 1000 + 30 * DAY));
    expect(await eraseUninstalled()).toBe(1);
    expect(await holdings(GONE)).toEqual({ accounts: 1 });
  });
});
