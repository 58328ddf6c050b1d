import mongoose, { type Connection } from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { createCaseStore, decideCaseFact, type Tenant } from '../../backend/src/recovery';
import { failure } from '../support/caseBuilders';
import { testDatabaseUri, useTestDatabase } from '../support/testDatabase';

/**
 * Cases read by key at the same time (a batch's events handled side by side)
 * share one find per account and mode, and each caller still gets only its
 * own case: never one of another account or mode, and a copy of its own.
 */
const db = useTestDatabase();
const alpha: Tenant = { accountId: 'acct_lookup_alpha', livemode: false };
const alphaLive: Tenant = { accountId: 'acct_lookup_alpha', livemode: true };
const beta: Tenant = { accountId: 'acct_lookup_beta', livemode: false };
const finds: CommandStartedEvent[] = [];
/** A second connection to the same database whose finds of cases are seen as sent. */
let watched: Connection;

async function open(tenant: Tenant, invoiceId: string): Promise<void> {
  const decision = decideCaseFact(null, failure({ eventId: `evt_${invoiceId}`, target: { kind: 'invoice', invoiceId } }), tenant, false);
  if (decision.kind !== 'open') throw new Error('expected the failure to open a case');
  await createCaseStore(db.connection).insert(decision.case);
}

beforeAll(async () => {
  await open(alpha, 'in_1');
  await open(alpha, 'in_2');
  await open(alphaLive, 'in_live');
  await open(beta, 'in_3');
  watched = mongoose.createConnection(testDatabaseUri(), { dbName: db.dbName, monitorCommands: true, bufferCommands: false });
  await watched.asPromise();
  watched.getClient().on('commandStarted', (started) => {
    if (started.commandName === 'find' && started.command.find === 'recoveryCases') finds.push(started);
  });
});
afterAll(async () => {
  await watched.close();
});
beforeEach(() => {
  finds.length = 0;
});

describe('cases read by key at the same time', () => {
  it('share one find per account and mode once the first is in flight, and each caller gets its own case', async () => {
    const cases = createCaseStore(watched);

    const found = await Promise.all([
      cases.findByKey(alpha.accountId, false, 'invoice:in_1'),
      cases.findByKey(alpha.accountId, false, 'invoice:in_2'),
      cases.findByKey(alpha.accountId, false, 'invoice:in_missing'),
      cases.findByKey(alpha.accountId, true, 'invoice:in_live'),
      cases.findByKey(alpha.accountId, true, 'invoice:in_2'),
      cases.findByKey(beta.accountId, false, 'invoice:in_3'),
      cases.findByKey(beta.accountId, false, 'invoice:in_1'),
    ]);

    expect(found.map((one) => one && [one.accountId, one.livemode, one.caseKey])).toEqual([
      [alpha.accountId, false, 'invoice:in_1'],
      [alpha.accountId, false, 'invoice:in_2'],
      null,
      [alpha.accountId, true, 'invoice:in_live'],
      null,
      [beta.accountId, false, 'invoice:in_3'],
      null,
    ]);
    // The first alone; the six that came while it was in flight, one find for each of their three accounts and modes.
    expect(finds.map((find) => [find.command.filter.accountId, find.command.filter.livemode, find.command.filter._id.$in.length])).toEqual([
      [alpha.accountId, false, 1],
      [alpha.accountId, false, 2],
      [alpha.accountId, true, 2],
      [beta.accountId, false, 2],
    ]);
  });

  it('give two callers of one case two copies: what one changes in memory the other does not see', async () => {
    const cases = createCaseStore(watched);

    const [, first, second] = await Promise.all([
      cases.findByKey(alpha.accountId, false, 'invoice:in_2'),
      cases.findByKey(alpha.accountId, false, 'invoice:in_1'),
      cases.findByKey(alpha.accountId, false, 'invoice:in_1'),
    ]);
    first!.timeline.push({ ...first!.timeline[0]! });

    expect(finds).toHaveLength(2);
    expect(second).toEqual({ ...first, timeline: first!.timeline.slice(0, -1) });
    expect(second!.id).toMatch(/^[a-f0-9]{24}$/);
    expect(second!.openedAt).toBeInstanceOf(Date);
  });
});

describe('another charge in flight on a card', () => {
  it('is a case of the same account charging that card, never the case asking', async () => {
    const store = createCaseStore(db.connection);
    const [first, second, ofBeta] = await Promise.all([
      store.findByKey(alpha.accountId, alpha.livemode, 'invoice:in_1'),
      store.findByKey(alpha.accountId, alpha.livemode, 'invoice:in_2'),
      store.findByKey(beta.accountId, beta.livemode, 'invoice:in_3'),
    ]);
    const charging = (id: string, cardKey: string | null) =>
      db.connection.collection('recoveryCases').updateOne({ _id: new mongoose.Types.ObjectId(id) }, { $set: { chargingCardKey: cardKey } });
    await charging(first!.id, 'fp:shared');
    await charging(ofBeta!.id, 'fp:beta_only');
    try {
      expect(await store.otherChargeInFlight(alpha.accountId, 'fp:shared', first!.id)).toBe(false);
      expect(await store.otherChargeInFlight(alpha.accountId, 'fp:shared', second!.id)).toBe(true);
      expect(await store.otherChargeInFlight(alpha.accountId, 'fp:beta_only', second!.id)).toBe(false);
      expect(await store.otherChargeInFlight(alpha.accountId, 'fp:idle', second!.id)).toBe(false);
    } finally {
      await Promise.all([charging(first!.id, null), charging(ofBeta!.id, null)]);
    }
  });
});
