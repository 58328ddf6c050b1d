import type { Logger } from 'pino';
import type { RecordedCardAttempt } from '../cardLedger';
import type { Clock } from '../clock';
import type { CaseOutboxStore, ClaimedOutbox } from '../recovery/caseOutboxStore';
import type { PendingRollup, RollupStore } from '../stats';
import type { PendingTally } from '../experiments/experimentService';
import type { OutboundEvent, OutboundEventSink } from './outboundEvent';

/**
 * Cases claimed per run: their events go to the sink in one call, their rollup deltas in one write per rollup
 * document, their card attempts in one insert, their removals in one write; one lease document covers the batch.
 */
export const OUTBOX_RELAY_BATCH = 50;

export interface OutboxRelay {
  /** Relays the outboxes of up to OUTBOX_RELAY_BATCH cases; returns how many cases it claimed. */
  relayBatch(): Promise<number>;
  /** Relays until no case has entries left (tests, and a worker asked to catch up). */
  drain(): Promise<void>;
}

/**
 * Passes on what case saves wrote to their outboxes. Guarantees: every event
 * reaches the sink at least once (a crash before an entry's removal publishes
 * it again, with the same id), a case's events reach it in sequence order,
 * every rollup delta counts exactly once (rollupEntries), and only the
 * entries relayed are removed (a save may append more meanwhile).
 */
export function createOutboxRelay(deps: {
  outbox: CaseOutboxStore;
  rollups: RollupStore;
  /** Experiment arm counts, applied once per entry like the rollups. */
  experimentTallies: { applyOnce(entries: PendingTally[]): Promise<void>; forgetApplied(entries: PendingTally[]): Promise<void> };
  /** The card ledger: our attempts, each recorded once by its attemptKey however often passed. */
  cardAttempts: { recordMany(attempts: RecordedCardAttempt[]): Promise<void> };
  sink: OutboundEventSink;
  clock: Clock;
  instanceId: string;
  leaseMs: number;
  logger: Logger;
}): OutboxRelay {
  const { outbox, rollups, experimentTallies, cardAttempts, sink, clock, instanceId, leaseMs, logger } = deps;

  const relay: OutboxRelay = {
    async relayBatch() {
      const claimed = await outbox.claimSome(instanceId, clock.now(), leaseMs, OUTBOX_RELAY_BATCH);
      if (claimed.length === 0) return 0;
      try {
        return await relayClaimed(claimed);
      } finally {
        await outbox.releaseRelayLease(instanceId);
      }
    },
    async drain() {
      for (let round = 0; round < 1_000 && (await relay.relayBatch()) > 0; round += 1);
    },
  };

  /** Passes on the claimed cases' entries, then removes them from their cases. */
  async function relayClaimed(claimed: ClaimedOutbox[]): Promise<number> {
    const events: OutboundEvent[] = claimed.flatMap((found) => found.entries.flatMap((entry) => (entry.kind === 'event' ? [entry.event] : [])));
    const rollupsOf = (found: ClaimedOutbox): PendingRollup[] =>
      found.entries.flatMap((entry) => (entry.kind === 'rollup' ? [{ id: entry.id, accountId: found.accountId, livemode: found.livemode, increments: entry.increments }] : []));
    const talliesOf = (found: ClaimedOutbox): PendingTally[] =>
      found.entries.flatMap((entry) => (entry.kind === 'experiment_tally' ? [{ id: entry.id, accountId: found.accountId, livemode: found.livemode, changes: entry.changes }] : []));
    const attempts = claimed.flatMap((found) => found.entries.flatMap((entry) => (entry.kind === 'card_attempt' ? [entry.attempt] : [])));
    if (events.length > 0) await sink.publish(events);
    // Into the ledger before leaving the outbox: a ledger read looks at outboxes first, then the ledger, and misses nothing.
    if (attempts.length > 0) await cardAttempts.recordMany(attempts);
    await rollups.applyOnce(claimed.flatMap(rollupsOf));
    await experimentTallies.applyOnce(claimed.flatMap(talliesOf));
    const removed = await outbox.removeRelayedBatch(claimed);
    // Only entries gone from their case lose their marks: one still in an outbox may be passed again.
    await rollups.forgetApplied(removed.flatMap(rollupsOf));
    await experimentTallies.forgetApplied(removed.flatMap(talliesOf));
    logger.debug({ cases: claimed.length, events: events.length }, 'case outboxes relayed');
    return claimed.length;
  }
  return relay;
}
