import { LEDGER_LOOKBACK_MS, type CardAttemptStore, type RecordedCardAttempt } from '../cardLedger';
import type { CaseOutboxStore } from './caseOutboxStore';

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
