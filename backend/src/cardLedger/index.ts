export { createCardAttemptStore, cardKeyOf, LEDGER_LOOKBACK_MS, type CardAttemptStore, type RecordedCardAttempt } from './cardAttemptStore';
export { isSameCard, isUntriedCard, withTriedCards, type CardIdentity } from './cardIdentity';
