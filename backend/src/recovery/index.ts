export {
  missingStripeKeyReason,
  PAYMENT_INTENT_STATUSES,
  type AccountRef,
  type BillingGateway,
  type CustomerSnapshot,
  type InvoiceSnapshot,
  type LastPaymentAttempt,
  type PaymentIntentSnapshot,
  type PaymentRecord,
  type PaymentRef,
  type PayOutcome,
  type SubscriptionSnapshot,
} from './billingGateway';
export type { BillingFact, CaseFact, CaseGroupFact, PaymentFailedFact, PaymentSucceededFact } from './billingFacts';
export { isCaseFact } from './billingFacts';
export { decideCaseFact, decideGroupFact, attributeRecovery, type CaseDecision, type NewRecoveryCase, type Tenant } from './caseTransitions';
export { createCaseStore, caseIdFor, type CaseStore, type CaseFilter, type PageCursor } from './caseStore';
export { createCaseOutboxStore, type CaseOutboxStore, type ClaimedOutbox } from './caseOutboxStore';
export { createRecoveryService, type CaseEnrollment, type CaseFactToApply, type RecoveryService, type FactOutcome } from './recoveryService';
export { formatAmount } from './money';
export {
  matchPayment,
  orderReferenceOf,
  pickCaseForPayment,
  findPaymentForCase,
  describeMatch,
  SAME_ORDER_WINDOW_MS,
  ORDER_METADATA_KEYS,
  type OrderDetails,
  type CompletedPayment,
  type PaymentMatch,
} from './oneTimePayments';
export * from './recoveryCase';
export {
  applyPlan,
  attemptIdempotencyKey,
  beginAttempt,
  finishAttempt,
  noteOnTimeline,
  pendingAttempt,
  putOffAfterFailedStep,
  refuseRetry,
  utcMinuteOf,
  waitForCardTurn,
  withdrawAttempt,
  CARD_BUSY_WAIT_MS,
  type AttemptResult,
  type PlanDecision,
} from './attemptTransitions';
export { requestRetryAfterCardUpdate, setAsideTriedCard, triedCardsOf, type CardUpdateVerdict } from './newCardTransitions';
export { appendToTimeline, withTimelineEntry, TIMELINE_HEAD_ENTRIES, TIMELINE_TAIL_ENTRIES } from './caseTimeline';
export { keepRequestMadeMeanwhile, manualRetryRefusal, subscriptionStop, stopForSubscription, type SubscriptionState } from './chargeChecks';
export { recordEmailSent, recordEmailEvent, markUndeliverable, markSending, type EmailEvent } from './emailTransitions';
export { createRetryService, type RetryService } from './retryService';
export type { ThankYouSent } from './stepWrites';
export { createStepsInProgress } from './duePick';
export { MANUAL_RETRY_COOLDOWN_MS, type ManualRetryResult } from './manualRetry';
export { pauseCase, resumeCase, cancelByMerchant, requestReminder, reminderStepIndex, REMINDER_COOLDOWN_MS, type ControlDecision } from './caseControls';
export { createCaseControlService, type CaseControlService, type ControlOutcome } from './caseControlService';
export { decideHandOver, handOverEventId, planViewOf, type HandOverDecision, type HandOverRefusal, type HandOverRequest, type PlanView } from './handOverRules';
export { createHandOverService, type HandOverService, type HandOverOutcome } from './handOverService';
export { SIMULATED_OUTCOMES, SIMULATED_BLOCKING_DECLINE, type SimulatedOutcome } from './simulatedOutcomes';
export { holdBackControlCase, isControlCase, withoutEmails, CONTROL_GROUP_PLAN } from './controlGroup';
export { withAttemptsInOutboxes } from './cardLedgerReads';
