import type { OutboundEvent } from '../../backend/src/outbound';
import { createCardAttemptStore } from '../../backend/src/cardLedger';
import { createCaseOutboxStore, withAttemptsInOutboxes, type RecoveryCase } from '../../backend/src/recovery';
import { createTestApp } from '../support/testApp';
import { at, failure } from '../support/caseBuilders';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The outbox on the real dev database: a case save and its consequences are
 * one write, the relay removes only what it relayed, and a rollup delta
 * counts once however often the relay passes it.
 */
const db = useTestDatabase();
const NOW = at(3);
const published: OutboundEvent[] = [];
let testApp: Awaited<ReturnType<typeof createTestApp>>;
const tenant = { accountId: 'acct_outbox', livemode: false };

beforeAll(async () => {
  testApp = await createTestApp(db.connection, { clock: { now: () => NOW }, outboundEvents: { publish: async (events) => void published.push(...events) } });
});
beforeEach(async () => {
  published.length = 0;
  await Promise.all(['recoveryCases', 'recoveryRollups'].map((name) => db.connection.collection(name).deleteMany({})));
});

const rawCase = (invoiceId: string) => db.connection.collection('recoveryCases').findOne({ caseKey: `invoice:${invoiceId}` });
const open = async (invoiceId: string) => {
  await testApp.container.recovery.applyCaseFact(tenant, failure({ eventId: `evt_${invoiceId}`, target: { kind: 'invoice', invoiceId } }), false);
  return (await testApp.container.cases.findByKey(tenant.accountId, false, `invoice:${invoiceId}`))!;
};
const stats = async () => (await testApp.container.rollups.readCells(tenant.accountId, false)).filter((cell) => cell.day === 'all').reduce<Record<string, number>>((all, cell) => ({ ...all, [cell.counter]: cell.value }), {});
const cancel = (found: RecoveryCase): RecoveryCase => ({ ...found, status: 'canceled', outcome: { status: 'canceled', reason: 'merchant_canceled', at: NOW }, closedAt: NOW, nextActionAt: null });

/** Our declined attempt number `n` on a card, as the case's outbox carries it until the relay copies it into the ledger. */
const attemptEntry = (found: RecoveryCase, cardKey: string, n: number, declineCode = 'insufficient_funds') => {
  const attempt = {
    accountId: tenant.accountId, cardKey, brand: 'visa', attemptKey: `recovery-${found.id}-attempt-${n}`, at: NOW,
    outcome: 'declined' as const, initiatedBy: 'merchant' as const, source: 'ours' as const, invoiceId: found.target.kind === 'invoice' ? found.target.invoiceId : null,
    declineCode, adviceCode: null, networkAdviceCode: null,
  };
  return { id: `card_attempt_${attempt.attemptKey}`, kind: 'card_attempt' as const, attempt };
};
const bump = (fresh: RecoveryCase) => ({ ...fresh, failureCount: fresh.failureCount + 1 });
it('writes the opened case with its event and stats delta in one insert', async () => {
  await open('in_one');
  const stored = await rawCase('in_one');
  expect(stored!.outbox.map((entry: { kind: string; id: string }) => [entry.kind, entry.id])).toEqual([['event', `evt_rec_${stored!._id}_1`], ['rollup', `rollup_${stored!._id}_0`]]);
  expect(stored!.outbox[0].event).toMatchObject({ type: 'recovery.case_opened', sequence: 1, account: 'acct_outbox', data: { object: { status: 'active', amountMinor: 4900 } } });
  expect(stored!.eventSequence).toBe(1);
  expect(stored!.outboxDueAt).toEqual(new Date(0));
  expect(await stats()).toEqual({});
});

it('relays the events in order, counts the stats and leaves the outbox empty', async () => {
  const found = await open('in_two');
  await testApp.container.recovery.mutate(tenant.accountId, found, cancel);
  await testApp.container.outboxRelay.drain();
  expect(published.map((event) => [event.type, event.sequence])).toEqual([['recovery.case_opened', 1], ['recovery.failed', 2]]);
  expect(await stats()).toMatchObject({ failed: 1, lost: 1, failedMinor: 4900, active: 0 });
  const stored = await rawCase('in_two');
  expect(stored).toMatchObject({ outbox: [], outboxDueAt: null, outboxLeaseOwner: null });
  const rollupMarks = await db.connection.collection('recoveryRollups').find({ appliedOutboxEntries: { $exists: true } }).toArray();
  expect(rollupMarks.flatMap((doc) => doc.appliedOutboxEntries)).toEqual([]);
});

it('appends a save to the outbox without bringing back entries the relay removed meanwhile', async () => {
  const readBeforeRelay = await open('in_three');
  await testApp.container.outboxRelay.drain();
  // The relay does not bump the revision: the save read before it still goes through, and only appends.
  await testApp.container.recovery.mutate(tenant.accountId, readBeforeRelay, cancel);
  const stored = await rawCase('in_three');
  expect(stored!.outbox.map((entry: { kind: string; event?: OutboundEvent }) => entry.event?.type ?? entry.kind)).toEqual(['recovery.failed', 'rollup']);
  await testApp.container.outboxRelay.drain();
  expect(published.map((event) => event.sequence)).toEqual([1, 2]);
  expect(await stats()).toMatchObject({ failed: 1, lost: 1, active: 0 });
});

it('keeps entries a save appended between the claim and the removal', async () => {
  const found = await open('in_four');
  const outboxes = createCaseOutboxStore(db.connection);
  const claimed = (await outboxes.claimDue('relay-a', NOW, 60_000))!;
  await testApp.container.recovery.mutate(tenant.accountId, found, cancel);
  expect(await outboxes.removeRelayed(claimed, 'relay-a')).toBe(true);
  const stored = await rawCase('in_four');
  expect(stored!.outbox.map((entry: { event?: OutboundEvent; kind: string }) => entry.event?.type ?? entry.kind)).toEqual(['recovery.failed', 'rollup']);
  expect(stored!.outboxDueAt).toEqual(new Date(0));
  // Another relay's lease is respected: nothing is removed by a relay that lost it.
  const reclaimed = (await outboxes.claimDue('relay-b', NOW, 60_000))!;
  expect(await outboxes.removeRelayed(reclaimed, 'relay-a')).toBe(false);
  expect((await rawCase('in_four'))!.outbox).toHaveLength(2);
});

it('relays a batch under one lease: a second relay gets nothing meanwhile, and entries a save appended after the read stay', async () => {
  const grows = await open('in_batch_grows');
  await open('in_batch_quiet');
  const outboxes = createCaseOutboxStore(db.connection);
  const claimed = await outboxes.claimSome('relay-a', NOW, 60_000, 10);
  expect(claimed.map((found) => found.entries.length)).toEqual([2, 2]);
  expect(await outboxes.claimSome('relay-b', NOW, 60_000, 10)).toEqual([]);

  await testApp.container.recovery.mutate(tenant.accountId, grows, cancel);
  expect(await outboxes.removeRelayedBatch(claimed)).toHaveLength(2);
  const grown = await rawCase('in_batch_grows');
  expect(grown!.outbox.map((entry: { event?: OutboundEvent; kind: string }) => entry.event?.type ?? entry.kind)).toEqual(['recovery.failed', 'rollup']);
  expect(grown!.outboxDueAt).toEqual(new Date(0));
  expect(await rawCase('in_batch_quiet')).toMatchObject({ outbox: [], outboxDueAt: null });

  await outboxes.releaseRelayLease('relay-a');
  expect((await outboxes.claimSome('relay-b', NOW, 60_000, 10)).map((found) => found.entries.length)).toEqual([2]);
  await outboxes.releaseRelayLease('relay-b');
});

it('counts a rollup entry once when the relay passes it again after a crash', async () => {
  const found = await open('in_five');
  const stored = await rawCase('in_five');
  const entry = stored!.outbox.find((candidate: { kind: string }) => candidate.kind === 'rollup');
  const pending = { id: entry.id, accountId: tenant.accountId, livemode: false, increments: entry.increments };
  // The crashed relay wrote the counters but never removed the entry.
  await testApp.container.rollups.applyOnce([pending]);
  await testApp.container.recovery.mutate(tenant.accountId, found, cancel);
  // The next relay passes the old entry again with the new one: the old counts once, the new once.
  await testApp.container.outboxRelay.drain();
  expect(await stats()).toMatchObject({ failed: 1, failedMinor: 4900, lost: 1, active: 0, activeMinor: 0 });
});

it('finds cases with entries through its index, on the dev database too', async () => {
  const indexes = await db.connection.collection('recoveryCases').indexes();
  expect(indexes.map((index) => index.key)).toContainEqual({ outboxDueAt: 1, outboxLeaseUntil: 1 });
  expect(indexes.map((index) => index.key)).toContainEqual({ outboxCardKeys: 1, accountId: 1 });
});

it('counts our attempt on a card across the account\'s cases from its result\'s save, and copies it into the ledger once', async () => {
  const first = await open('in_ledger_a');
  const entry = attemptEntry(first, 'fp:shared_card', 1, 'stolen_card');
  const { attempt } = entry;
  await testApp.container.recovery.mutate(tenant.accountId, first, bump, [entry]);
  const ledger = createCardAttemptStore(db.connection);
  const reads = withAttemptsInOutboxes(ledger, createCaseOutboxStore(db.connection));

  // Before the relay: not in the ledger collection, yet a read for another case on the same card sees it; other cards and accounts do not.
  // The case names the card beside its outbox, so that read looks up this card's cases, not every case the relay has yet to pass.
  expect((await rawCase('in_ledger_a'))!.outboxCardKeys).toEqual('fp:shared_card');
  expect(await ledger.recentFor(tenant.accountId, 'fp:shared_card', NOW)).toEqual([]);
  expect(await reads.recentFor(tenant.accountId, 'fp:shared_card', NOW)).toEqual([expect.objectContaining({ attemptKey: attempt.attemptKey, declineCode: 'stolen_card' })]);
  expect(await reads.recentFor(tenant.accountId, 'fp:other_card', NOW)).toEqual([]);
  expect(await reads.recentFor('acct_someone_else', 'fp:shared_card', NOW)).toEqual([]);

  // After it, twice over (a relay passing it again after a crash): in the ledger once, gone from the outbox.
  await testApp.container.outboxRelay.drain();
  await ledger.recordMany([attempt]);
  expect(await reads.recentFor(tenant.accountId, 'fp:shared_card', NOW)).toHaveLength(1);
  expect(await ledger.recentFor(tenant.accountId, 'fp:shared_card', NOW)).toHaveLength(1);
  expect((await rawCase('in_ledger_a'))!.outbox).toEqual([]);
  expect((await rawCase('in_ledger_a'))!).not.toHaveProperty('outboxCardKeys');
});

it('names the one card waiting in an outbox as a plain string, and several as a list; a read on any of them finds its attempts', async () => {
  const attemptOn = (cardKey: string, found: RecoveryCase, n: number) => attemptEntry(found, cardKey, n);
  const reads = withAttemptsInOutboxes(createCardAttemptStore(db.connection), createCaseOutboxStore(db.connection));
  const first = await open('in_two_cards');

  // A plain string: on the dev database an index on the field serves an equality on a string but not a list's member,
  // so the usual case (one card) is found by index, not among every case the relay has yet to pass.
  await testApp.container.recovery.mutate(tenant.accountId, first, bump, [attemptOn('fp:old_card', first, 1)]);
  expect((await rawCase('in_two_cards'))!.outboxCardKeys).toBe('fp:old_card');
  // The same card again stays one string.
  const again = (await testApp.container.cases.findByKey(tenant.accountId, false, 'invoice:in_two_cards'))!;
  await testApp.container.recovery.mutate(tenant.accountId, again, bump, [attemptOn('fp:old_card', again, 2)]);
  expect((await rawCase('in_two_cards'))!.outboxCardKeys).toBe('fp:old_card');

  // The customer's new card is charged before the relay passes: both cards are named, and each read finds its own.
  const second = (await testApp.container.cases.findByKey(tenant.accountId, false, 'invoice:in_two_cards'))!;
  await testApp.container.recovery.mutate(tenant.accountId, second, bump, [attemptOn('fp:new_card', second, 3)]);
  expect((await rawCase('in_two_cards'))!.outboxCardKeys).toEqual(['fp:old_card', 'fp:new_card']);
  expect(await reads.recentFor(tenant.accountId, 'fp:old_card', NOW)).toHaveLength(2);
  expect(await reads.recentFor(tenant.accountId, 'fp:new_card', NOW)).toEqual([expect.objectContaining({ attemptKey: `recovery-${first.id}-attempt-3` })]);

  await testApp.container.outboxRelay.drain();
  expect((await rawCase('in_two_cards'))!).not.toHaveProperty('outboxCardKeys');
});

it('keeps naming a card whose attempt a save read before the relay passed, though the relay emptied the outbox meanwhile', async () => {
  const found = await open('in_race');
  const entry = attemptEntry(found, 'fp:raced_card', 1);
  const { attempt } = entry;
  await testApp.container.recovery.mutate(tenant.accountId, found, bump, [entry]);
  const readBeforeRelay = (await testApp.container.cases.findByKey(tenant.accountId, false, 'invoice:in_race'))!;
  await testApp.container.outboxRelay.drain();
  const next = { ...attempt, cardKey: 'fp:next_card', attemptKey: `recovery-${found.id}-attempt-2` };
  // The relay does not bump the revision, so this save goes through; naming a card no longer waiting costs a read, never a miss.
  expect(await testApp.container.cases.replaceIfUnchanged({ ...readBeforeRelay, failureCount: 2 }, [{ id: `card_attempt_${next.attemptKey}`, kind: 'card_attempt', attempt: next }])).toBe(true);
  expect([(await rawCase('in_race'))!.outboxCardKeys].flat()).toContain('fp:next_card');
  const reads = withAttemptsInOutboxes(createCardAttemptStore(db.connection), createCaseOutboxStore(db.connection));
  expect(await reads.recentFor(tenant.accountId, 'fp:next_card', NOW)).toEqual([expect.objectContaining({ attemptKey: next.attemptKey })]);
});
