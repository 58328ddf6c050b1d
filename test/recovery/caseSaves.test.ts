import { caseModelOf } from '../../backend/src/recovery/caseModel';
import { createCaseStore, decideCaseFact, type RecoveryCase, type Tenant } from '../../backend/src/recovery';
import { failure } from '../support/caseBuilders';
import { useTestDatabase } from '../support/testDatabase';

/**
 * A case's save goes to the driver, not through mongoose's update (caseStore.replaceIfUnchanged):
 * what it stores must be what mongoose's update stored, down to how an undefined value is kept.
 */
const db = useTestDatabase();
const tenant: Tenant = { accountId: 'acct_saves', livemode: false };

async function openCase(invoiceId: string): Promise<RecoveryCase> {
  const decision = decideCaseFact(null, failure({ eventId: `evt_${invoiceId}`, target: { kind: 'invoice', invoiceId } }), tenant, false);
  if (decision.kind !== 'open') throw new Error('expected the failure to open a case');
  const opened = await createCaseStore(db.connection).insert(decision.case);
  if (!opened) throw new Error('expected a new case');
  return opened;
}

/** A change with undefined at the top, inside a mixed value and inside a timeline entry, and a key the timeline's schema lacks. */
function changeOf(read: RecoveryCase): RecoveryCase {
  return {
    ...read,
    pausedAt: undefined as unknown as null,
    card: { ...read.card!, last4: undefined as unknown as string },
    ourAttempts: [{ number: 1, startedAt: new Date('2026-05-02T09:00:00Z'), finishedAt: undefined } as unknown as RecoveryCase['ourAttempts'][number]],
    timeline: [...read.timeline, { at: new Date('2026-05-02T09:00:00Z'), kind: 'payment_failed', summary: 'A note.', eventId: undefined, stray: 'not in the schema' } as unknown as RecoveryCase['timeline'][number]],
  };
}

it('stores a save as mongoose’s update stored it: no undefined field, nulls inside mixed values, timeline entries as their schema has them', async () => {
  const ours = await openCase('in_driver');
  const theirs = await openCase('in_mongoose');
  const cases = caseModelOf(db.connection);

  expect(await createCaseStore(db.connection).replaceIfUnchanged(changeOf(ours))).toBe(true);
  // The same change as the store used to send it, through mongoose's update.
  const { id, revision, ...fields } = changeOf(theirs);
  await cases.updateOne({ accountId: tenant.accountId, livemode: tenant.livemode, _id: id, revision }, { $set: { ...fields, revision: revision + 1 } });

  const stored = await cases.collection.find({}, { projection: { _id: 0, caseKey: 0, target: 0, createdAt: 0, updatedAt: 0, appliedEventIds: 0, timeline: 0, chargingCardKey: 0 } }).toArray();
  expect(stored[0]).toEqual(stored[1]);
  const timelineOf = async (one: RecoveryCase) => (await cases.collection.findOne({ caseKey: one.caseKey }))!.timeline as unknown[];
  const ourTimeline = await timelineOf(ours);
  const theirTimeline = await timelineOf(theirs);
  expect(ourTimeline.length).toBe(theirTimeline.length);
  expect(ourTimeline.at(-1)).toEqual(theirTimeline.at(-1));
  expect(ourTimeline.at(-1)).toEqual({ at: new Date('2026-05-02T09:00:00Z'), kind: 'payment_failed', summary: 'A note.' });
  const ourStored = await cases.collection.findOne({ caseKey: ours.caseKey });
  expect(ourStored!.card.last4).toBeNull();
  expect(ourStored!.ourAttempts[0].finishedAt).toBeNull();
  expect(ourStored!.updatedAt).toBeInstanceOf(Date);
});

describe('a save goes through only on the case as it was read, in its own account and mode', () => {
  it('writes nothing over a case another writer changed since it was read: a step never starts a second charge on it', async () => {
    const read = await openCase('in_stale');
    const store = createCaseStore(db.connection);
    expect(await store.replaceIfUnchanged({ ...read, nextActionTrigger: 'manual' })).toBe(true);

    expect(await store.replaceIfUnchanged({ ...read, pausedAt: new Date('2026-05-03T00:00:00Z') })).toBe(false);
    const stored = await store.findByKey(tenant.accountId, tenant.livemode, read.caseKey);
    expect(stored).toMatchObject({ revision: read.revision + 1, nextActionTrigger: 'manual', pausedAt: null });
  });

  it('writes nothing when the save names the other mode or another account', async () => {
    const read = await openCase('in_scoped');
    const store = createCaseStore(db.connection);

    expect(await store.replaceIfUnchanged({ ...read, livemode: !read.livemode, pausedAt: new Date('2026-05-03T00:00:00Z') })).toBe(false);
    expect(await store.replaceIfUnchanged({ ...read, accountId: 'acct_other', pausedAt: new Date('2026-05-03T00:00:00Z') })).toBe(false);
    expect(await store.findByKey(tenant.accountId, tenant.livemode, read.caseKey)).toMatchObject({ revision: read.revision, pausedAt: null });
  });
});
