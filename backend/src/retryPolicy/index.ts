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
export { nextPaydayMorning, paydaysOf, paydayCalendarFor, paydayNameOf, DEFAULT_PAYDAY_CALENDAR, COUNTRY_PAYDAY_CALENDARS, type PaydayCalendar } from './paydays';
export { countPayHabits, learnedPayMoments, payHabitSlotOf, MIN_PAYMENTS_TO_LEARN, NO_PAY_HABITS, type LearnedPayMoments, type PayHabitCounts } from './payHabits';
export { customerTimeZoneFor, timeZoneForCountry, timeZoneForPlace, type CustomerPlace, localParts, zonedTime, nextLocalHour, withinLocalHours, describeLocalTime, describeLocalDate, isValidTimeZone } from './customerTime';
export { planNextRetry, validateRetryPolicy, DEFAULT_RETRY_POLICY, AMBIGUOUS_MAX_ATTEMPTS, MORNING_HOURS, type RetryPolicy, type RetryPlanInput, type RetryDecision } from './recoveryPlan';
