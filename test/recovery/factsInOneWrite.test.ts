import { decideCaseFact, type CaseFact, type PaymentSucceededFact, type RecoveryCase } from '../../backend/src/recovery';
import { at, failure } from '../support/caseBuilders';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Several facts about one case applied together (what a batch's events about
 * one invoice cause) read and write the case once, and leave it, its outbox
 * and its revision exactly as applying them one by one would.
 */
const db = useTestDatabase();
const NOW = at(3);
const tenant = { accountId: 'acct_one_write', livemode: false };
let testApp: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  testApp = await createTestApp(db.connection, { clock: { now: () => NOW } });
});
beforeEach(async () => {
  jest.restoreAllMocks();
  await Promise.all(['recoveryCases', 'cardAttempts'].map((name) => db.connection.collection(name).deleteMany({})));
});

function paid(invoiceId: string, eventId: string): PaymentSucceededFact {
  return { kind: 'payment_succeeded', eventId, occurredAt: at(2), target: { kind: 'invoice', invoiceId }, paidOutOfBand: false, stripeAttemptCount: 3 };
}

/** An opening decline, a second one that needs the customer to authenticate, then the payment. */
function story(invoiceId: string): CaseFact[] {
  const target = { kind: 'invoice' as const, invoiceId };
  return [
    failure({ eventId: `evt_${invoiceId}_1`, target, attemptKey: `ch_${invoiceId}_1` }),
    failure({ eventId: `evt_${invoiceId}_2`, target, occurredAt: at(1, 18), stripeAttemptCount: 2, attemptKey: `ch_${invoiceId}_2`, needsCustomerAction: true, decline: { code: 'authentication_required', declineCode: 'authentication_required' } }),
    paid(invoiceId, `evt_${invoiceId}_3`),
  ];
}

/** The stored case with what differs by invoice (its ids and key) written as `<invoice>`, so two cases compare; without the driver's write times. */
async function storedAsText(invoiceId: string): Promise<string> {
  const { createdAt: _created, updatedAt: _updated, ...raw } = (await db.connection.collection('recoveryCases').findOne({ caseKey: `invoice:${invoiceId}` }))!;
  const caseId = String(raw!._id);
  return JSON.stringify(raw).replaceAll(caseId, '<case>').replaceAll(invoiceId, '<invoice>');
}

const caseOf = (invoiceId: string) => testApp.container.cases.findByKey(tenant.accountId, false, `invoice:${invoiceId}`) as Promise<RecoveryCase>;

describe('facts about one case applied in one write', () => {
  it('leave the case, its outbox, its events and its revision as applying them one by one does', async () => {
    for (const fact of story('in_one_by_one')) await testApp.container.recovery.applyCaseFact(tenant, fact, false);
    const reads = jest.spyOn(testApp.container.cases, 'findByKey');
    const inserts = jest.spyOn(testApp.container.cases, 'insert');
    const saves = jest.spyOn(testApp.container.cases, 'replaceIfUnchanged');

    const outcomes = await testApp.container.recovery.applyCaseFacts(story('in_together').map((fact) => ({ tenant, fact, alreadySettled: false })));

    expect(outcomes.map((outcome) => outcome.summary)).toEqual(['case opened', 'case active', 'case recovered']);
    expect([reads.mock.calls.length, inserts.mock.calls.length, saves.mock.calls.length]).toEqual([1, 1, 0]);
    expect(await storedAsText('in_together')).toBe(await storedAsText('in_one_by_one'));
    const together = await caseOf('in_together');
    expect(together).toMatchObject({ status: 'recovered', revision: 2, eventSequence: 3 });
    // Opened, needs the customer (the second decline), succeeded: each change's event kept, though the
    // case ends needing nothing, so comparing only the first and the last state would lose the middle one.
    expect((together.outbox ?? []).filter((entry) => entry.kind === 'event').map((entry) => entry.kind === 'event' && entry.event.type)).toEqual(['recovery.case_opened', 'recovery.needs_attention', 'recovery.succeeded']);
    // Each decline still counts toward the card's network limits.
    expect(await db.connection.collection('cardAttempts').countDocuments({ invoiceId: 'in_together' })).toBe(2);
  });

  it('update an existing case with one conditional write that advances its revision by every change', async () => {
    const [opening, ...rest] = story('in_existing');
    await testApp.container.recovery.applyCaseFact(tenant, opening!, false);
    const saves = jest.spyOn(testApp.container.cases, 'replaceIfUnchanged');

    await testApp.container.recovery.applyCaseFacts(rest.map((fact) => ({ tenant, fact, alreadySettled: false })));

    expect(saves).toHaveBeenCalledTimes(1);
    expect(await caseOf('in_existing')).toMatchObject({ status: 'recovered', revision: 2, failureCount: 2 });
  });

  it('decide every fact again on a fresh read when another writer changed the case first', async () => {
    const [opening, second, payment] = story('in_raced');
    await testApp.container.recovery.applyCaseFact(tenant, opening!, false);
    const original = testApp.container.cases.replaceIfUnchanged.bind(testApp.container.cases);
    let raced = false;
    jest.spyOn(testApp.container.cases, 'replaceIfUnchanged').mockImplementation(async (...args) => {
      if (!raced) {
        raced = true;
        // Another worker applies the second decline first, between our read and our write.
        await testApp.container.recovery.applyCaseFact(tenant, second!, false);
      }
      return original(...args);
    });

    const outcomes = await testApp.container.recovery.applyCaseFacts([second!, payment!].map((fact) => ({ tenant, fact, alreadySettled: false })));

    expect(outcomes.map((outcome) => outcome.summary)).toEqual([expect.stringMatching(/^ignored/), 'case recovered']);
    expect(await caseOf('in_raced')).toMatchObject({ status: 'recovered', failureCount: 2, revision: 2 });
  });

  it('are refused when they are about different cases', async () => {
    const facts = [failure({ target: { kind: 'invoice', invoiceId: 'in_a' } }), failure({ eventId: 'evt_b', target: { kind: 'invoice', invoiceId: 'in_b' } })];

    await expect(testApp.container.recovery.applyCaseFacts(facts.map((fact) => ({ tenant, fact, alreadySettled: false })))).rejects.toThrow(/one case/);
    expect(await db.connection.collection('recoveryCases').countDocuments()).toBe(0);
  });

  it('are refused when one invoice is named in another mode or another account, and nothing is written', async () => {
    const fact = failure({ target: { kind: 'invoice', invoiceId: 'in_shared' } });
    for (const other of [{ ...tenant, livemode: true }, { ...tenant, accountId: 'acct_other_merchant' }]) {
      await expect(testApp.container.recovery.applyCaseFacts([{ tenant, fact, alreadySettled: false }, { tenant: other, fact: { ...fact, eventId: 'evt_other' }, alreadySettled: false }])).rejects.toThrow(/one case of one account and mode/);
    }
    expect(await db.connection.collection('recoveryCases').countDocuments()).toBe(0);
    expect(await db.connection.collection('cardAttempts').countDocuments()).toBe(0);
  });
});

describe('cases opening at once', () => {
  it('are inserted together, each learning its own fate: stored, or null when another writer opened it first', async () => {
    const opening = (invoiceId: string) => {
      const decision = decideCaseFact(null, failure({ eventId: `evt_${invoiceId}`, target: { kind: 'invoice', invoiceId } }), tenant, false);
      if (decision.kind !== 'open') throw new Error('expected the failure to open a case');
      return decision.case;
    };
    await testApp.container.cases.insert({ ...opening('in_first'), customerName: 'First writer' });
    const inserts = jest.spyOn(db.connection.db!.collection('recoveryCases').constructor.prototype as { insertMany: () => unknown }, 'insertMany');

    const results = await Promise.all(['in_first', ...Array.from({ length: 20 }, (_, index) => `in_burst_${index}`)].map((invoiceId) => testApp.container.cases.insert(opening(invoiceId))));

    expect(results[0]).toBeNull();
    expect(results.slice(1).map((created) => created?.caseKey)).toEqual(Array.from({ length: 20 }, (_, index) => `invoice:in_burst_${index}`));
    // Fewer insert commands than cases: the first goes alone, those arriving meanwhile share the next ones.
    expect(inserts.mock.calls.length).toBeGreaterThan(0);
    expect(inserts.mock.calls.length).toBeLessThan(results.length);
    expect(await caseOf('in_first')).toMatchObject({ customerName: 'First writer' });
    expect(await db.connection.collection('recoveryCases').countDocuments({ accountId: tenant.accountId })).toBe(21);
  });
});
