import { cardKeyOf, LEDGER_LOOKBACK_MS, type CardAttemptStore, type RecordedCardAttempt } from '../cardLedger';
import type { CardAttempt } from '../retryPolicy';
import type { CaseOutboxStore } from './caseOutboxStore';
import type { CardDetails, RecoveryCase } from './recoveryCase';
import { cardHistoryOf } from './retryPlanning';

/**
 * The card ledger as a retry step reads it: the stored attempts plus ours
 * whose result is saved on their case but not yet copied into the ledger by
 * the outbox relay. Outboxes are read first: the relay records an attempt
 * before it removes the entry, so an attempt is always in one of the two
 * reads. Limits count across all the account's cases on the card, as before.
 */
export function withAttemptsInOutboxes(stored: CardAttemptStore, outbox: Pick<CaseOutboxStore, 'pendingCardAttempts'>): CardAttemptStore {
  return {
    ...stored,
    async recentFor(accountId, cardKey, now) {
      const waiting = await outbox.pendingCardAttempts(accountId, cardKey);
      const recorded = await stored.recentFor(accountId, cardKey, now);
      return mergeAttempts(recorded, waiting, now);
    },
  };
}

/** Each attemptKey once, within the look-back, oldest first. */
export function mergeAttempts(recorded: RecordedCardAttempt[], waiting: RecordedCardAttempt[], now: Date): RecordedCardAttempt[] {
  const known = new Set(recorded.map((attempt) => attempt.attemptKey));
  const since = now.getTime() - LEDGER_LOOKBACK_MS;
  const added = waiting.filter((attempt) => !known.has(attempt.attemptKey) && attempt.at.getTime() >= since);
  return [...recorded, ...added].sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** A card's attempts as one retry step reads them (see ledgerReadsOf). */
export type LedgerRead = (cardKey: string) => Promise<RecordedCardAttempt[]>;

/**
 * A step's reads of the card ledger, each card read once per step: the stored attempts and ours still waiting in
 * other cases' outboxes. The step plans and checks the network limits on the same read, with no call in between.
 */
export function ledgerReadsOf(
  deps: { cardAttempts: CardAttemptStore; attemptsInOutboxes?: ((accountId: string, cardKey: string) => Promise<RecordedCardAttempt[]>) | undefined },
  accountId: string,
  now: Date,
): LedgerRead {
  const reads = new Map<string, Promise<RecordedCardAttempt[]>>();
  const read = async (cardKey: string) => {
    // Outboxes first: the relay records an attempt before removing it from its case, so none falls between the two reads.
    const waiting = deps.attemptsInOutboxes ? await deps.attemptsInOutboxes(accountId, cardKey) : [];
    return mergeAttempts(await deps.cardAttempts.recentFor(accountId, cardKey, now), waiting, now);
  };
  return (cardKey) => {
    const known = reads.get(cardKey) ?? read(cardKey);
    reads.set(cardKey, known);
    return known;
  };
}

/** The card's recent attempts, ledger keyed by fingerprint; `newCard` null means the case's own card. `unwritten`: the step's own charges. */
export async function historyOf(current: RecoveryCase, newCard: CardDetails | null, now: Date, ledger: LedgerRead, unwritten: RecordedCardAttempt[] = []): Promise<CardAttempt[]> {
  const cardKey = cardKeyOf(newCard ?? current.card, current.stripeCustomerId);
  return cardHistoryOf(current, mergeAttempts(await ledger(cardKey), unwritten.filter((attempt) => attempt.cardKey === cardKey), now), newCard === null);
}
