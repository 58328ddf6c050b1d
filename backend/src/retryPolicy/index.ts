export {
  classifyDecline,
  isKnownDeclineCode,
  isVisaNeverApprove,
  isMastercardNeverRetry,
  DECLINE_RULES_VERSION,
  MASTERCARD_MIN_WAIT_MS,
  type DeclineBucket,
  type DeclineClassification,
} from './declineRules';
export { checkNetworkLimits, earliestAllowedAt, validateNetworkLimits, DEFAULT_NETWORK_LIMITS, type CardAttempt, type LimitCheck, type NetworkLimits, type NetworkRule } from './networkLimits';
export { nextPaydayMorning, paydaysOf, paydayCalendarFor, DEFAULT_PAYDAY_CALENDAR, type PaydayCalendar } from './paydays';
export { customerTimeZoneFor, timeZoneForCountry, localParts, zonedTime, nextLocalHour, withinLocalHours, describeLocalTime, describeLocalDate, isValidTimeZone } from './customerTime';
export { planNextRetry, validateRetryPolicy, DEFAULT_RETRY_POLICY, AMBIGUOUS_MAX_ATTEMPTS, type RetryPolicy, type RetryPlanInput, type RetryDecision } from './recoveryPlan';
