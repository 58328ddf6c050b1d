export { createCardAttemptStore, cardKeyOf, LEDGER_LOOKBACK_MS, type CardAttemptStore, type RecordedCardAttempt } from './cardAttemptStore';
