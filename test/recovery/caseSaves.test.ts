import { caseDocumentsOf } from '../../backend/src/recovery/caseDocuments';
import { caseModelOf } from '../../backend/src/recovery/caseModel';
import { createCaseStore, decideCaseFact, type NewRecoveryCase, type RecoveryCase, type Tenant } from '../../backend/src/recovery';
import { failure } from '../support/caseBuilders';
import { useTestDatabase } from '../support/testDatabase';

/**
 * A case's save and a new case's insert go to the driver, not through mongoose (caseStore.replaceIfUnchanged
 * and insert, shaped by caseDocuments): what they store must be what mongoose stored, down to how an
 * undefined value is kept and which defaults a new case gets.
 */
const db = useTestDatabase();
const tenant: Tenant = { accountId: 'acct_saves', livemode: false };

function newCase(invoiceId: string): NewRecoveryCase {
  const decision = decideCaseFact(null, failure({ eventId: `evt_${invoiceId}`, target: { kind: 'invoice', invoiceId } }), tenant, false);
  if (decision.kind !== 'open') throw new Error('expected the failure to open a case');
  return decision.case;
}

async function openCase(invoiceId: string): Promise<RecoveryCase> {
  const opened = await createCaseStore(db.connection).insert(newCase(invoiceId));
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

describe('a new case is stored as mongoose’s model stored it', () => {
  /**
   * Undefined where the schema has a default and where it has none, undefined inside mixed values (left out on an
   * insert, where a save stores null) and a timeline entry, a key the schema lacks, the optional fields set.
   */
  function unusual(invoiceId: string): NewRecoveryCase {
    const opening = newCase(invoiceId);
    return {
      ...opening,
      pausedAt: undefined as unknown as null,
      customerName: undefined as unknown as null,
      group: 'control',
      countsInLift: true,
      customerLocales: ['fr-FR', 'fr'],
      experiments: [{ experimentId: 'exp_1', arm: 'b' }] as unknown as NewRecoveryCase['experiments'],
      card: { ...opening.card!, last4: undefined as unknown as string },
      ourAttempts: [{ number: 1, startedAt: new Date('2026-05-02T09:00:00Z'), finishedAt: undefined } as unknown as RecoveryCase['ourAttempts'][number]],
      timeline: [...opening.timeline, { at: new Date('2026-05-02T09:00:00Z'), kind: 'payment_failed', summary: 'A note.', eventId: undefined, stray: 'not in the schema' } as unknown as RecoveryCase['timeline'][number]],
      stray: 'not in the schema',
    } as NewRecoveryCase;
  }
  const shapes: [string, (invoiceId: string) => NewRecoveryCase][] = [
    ['a case as a decline opens it', newCase],
    ['a case with undefined values, optional fields and keys the schema lacks', unusual],
    ['a case with every defaulted field left out', (invoiceId) => {
      const { pausedAt: _p, emailLeaseUntil: _e, leaseUntil: _l, triedCards: _t, emails: _m, timeline: _tl, ...rest } = newCase(invoiceId);
      return rest as NewRecoveryCase;
    }],
  ];

  it.each(shapes)('in memory, field by field: %s', (_name, shape) => {
    const cases = caseModelOf(db.connection);
    const fields = { ...shape('in_memory'), outbox: [], revision: 0 };
    const { _id, ...theirs } = new cases(fields).toObject();
    expect(caseDocumentsOf(cases).opened(fields)).toStrictEqual(theirs);
  });

  it('in the database: the store’s insert and mongoose’s own store the same document', async () => {
    const cases = caseModelOf(db.connection);
    const ours = await createCaseStore(db.connection).insert(unusual('in_ours'));
    await cases.create({ ...unusual('in_theirs'), outbox: [], revision: 0 });

    const [stored, theirs] = await Promise.all(['in_ours', 'in_theirs'].map((invoiceId) => cases.collection.findOne({ caseKey: `invoice:${invoiceId}` }, { projection: { _id: 0, caseKey: 0, target: 0, createdAt: 0, updatedAt: 0, appliedEventIds: 0, timeline: 0, chargingCardKey: 0 } })));
    expect(stored).not.toBeNull();
    expect(stored).toEqual(theirs);
    expect(stored!.customerName).toBeNull();
    expect(stored!.card).not.toHaveProperty('last4');
    expect(stored!.ourAttempts[0]).not.toHaveProperty('finishedAt');
    expect(stored).not.toHaveProperty('stray');
    expect(ours).toMatchObject({ customerName: null, pausedAt: null, group: 'control' });
  });

  it('refuses a case missing a required field or with a status the schema does not allow, as mongoose did', () => {
    const cases = caseModelOf(db.connection);
    const documents = caseDocumentsOf(cases);
    const missing = { ...newCase('in_missing'), accountId: undefined, outbox: [], revision: 0 };
    const unknownStatus = { ...newCase('in_status'), status: 'lost', outbox: [], revision: 0 };
    const emptyCurrency = { ...newCase('in_currency'), currency: '', outbox: [], revision: 0 };

    for (const invalid of [missing, unknownStatus, emptyCurrency]) {
      expect(new cases(invalid).validateSync()).toBeDefined();
      expect(() => documents.opened(invalid)).toThrow(/recovery case/);
    }
  });

  it('gives each new case its own copies: changing one changes neither the caller’s values nor another case', () => {
    const documents = caseDocumentsOf(caseModelOf(db.connection));
    const fields = { ...newCase('in_copies'), outbox: [], revision: 0 };
    const first = documents.opened(fields) as unknown as RecoveryCase;
    const second = documents.opened(fields) as unknown as RecoveryCase;

    first.card!.brand = 'changed';
    (first.emailLeaseUntil as Date).setTime(1);
    first.triedCards!.push({ paymentMethodId: 'pm_x' } as NonNullable<RecoveryCase['triedCards']>[number]);
    expect(fields.card!.brand).not.toBe('changed');
    expect(second.card!.brand).not.toBe('changed');
    expect(second.emailLeaseUntil.getTime()).not.toBe(1);
    expect(second.triedCards).toEqual([]);
  });
});
