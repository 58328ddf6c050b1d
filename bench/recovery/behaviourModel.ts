import { DECLINE_MIX } from '../../devservices/declineMix';

/**
 * Every parameter of the recovery simulator, each with where it comes from.
 * A `source` either cites a public source or starts with "assumption" (our
 * own estimate, to be replaced when a source turns up). Fix these from
 * sources first, then compare policies: never tune them to make one win.
 * The test test/bench/behaviourModel.test.ts holds that every entry has one.
 */
export interface Parameter<T> {
  value: T;
  source: string;
}

export type PayFrequency = 'weekly' | 'biweekly' | 'semimonthly' | 'monthly';
export type Brand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb';

/** How the people of one country are paid: the share per frequency and which days. */
export interface PayHabits {
  frequencies: Partial<Record<PayFrequency, number>>;
  /** 0 = Sunday … 6 = Saturday, for weekly and biweekly payers. */
  weeklyPayday: number;
  /** Days of the month for semi-monthly payers (moved to the business day before when on a weekend). */
  semimonthlyDays: [number, number];
  /** Monthly payers: a day of the month, or 'last' for the last business day. */
  monthlyDay: number | 'last';
}

/** A customer place: country, a state or region inside it, and its IANA time zone. */
export interface Place {
  country: string;
  region: string;
  postalCode: string;
  timeZone: string;
  share: number;
}

const BLS_2013 = 'US BLS, "How frequently do private businesses pay workers?" (Beyond the Numbers, May 2014; CES, March 2013): weekly 32.4 %, biweekly 36.5 %, semimonthly 19.8 %, monthly 11.3 % of private businesses';

export const MODEL = {
  declineMix: {
    value: DECLINE_MIX,
    source: 'Stripe × Churnkey 2024, ~5M failed payments, as quoted in shared/REFERENCE.md §1 (devservices/declineMix.ts; the unnamed 12.9 % spread in proportion)',
  },
  /** Each code's bucket: what can ever succeed on the same card. */
  declineBuckets: {
    value: {
      insufficient_funds: 'insufficient_funds',
      try_again_later: 'soft',
      do_not_honor: 'ambiguous',
      generic_decline: 'ambiguous',
      transaction_not_allowed: 'never_retry',
      highest_risk_level: 'never_retry',
      incorrect_number: 'never_retry',
      expired_card: 'customer_must_act',
      previously_declined_do_not_retry: 'blocked_by_stripe',
    } as Record<string, DeclineBucketName>,
    source: 'shared/REFERENCE.md §1 bucket table (Stripe decline-code docs; Smart Retries refuses the never-retry codes)',
  },
  places: {
    value: [
      // United States, split by zone in proportion to state populations (about 47/29/7/16 %, plus Alaska and Hawaii).
      { country: 'US', region: 'NY', postalCode: '10001', timeZone: 'America/New_York', share: 24.0 },
      { country: 'US', region: 'IL', postalCode: '60601', timeZone: 'America/Chicago', share: 14.8 },
      { country: 'US', region: 'CO', postalCode: '80202', timeZone: 'America/Denver', share: 2.6 },
      { country: 'US', region: 'AZ', postalCode: '85001', timeZone: 'America/Phoenix', share: 1.1 },
      { country: 'US', region: 'CA', postalCode: '94103', timeZone: 'America/Los_Angeles', share: 8.2 },
      { country: 'US', region: 'AK', postalCode: '99501', timeZone: 'America/Anchorage', share: 0.1 },
      { country: 'US', region: 'HI', postalCode: '96813', timeZone: 'Pacific/Honolulu', share: 0.2 },
      { country: 'CA', region: 'ON', postalCode: 'M5H 2N2', timeZone: 'America/Toronto', share: 3.0 },
      { country: 'CA', region: 'BC', postalCode: 'V6B 1A1', timeZone: 'America/Vancouver', share: 1.0 },
      { country: 'MX', region: 'CMX', postalCode: '06000', timeZone: 'America/Mexico_City', share: 2.0 },
      { country: 'CO', region: 'DC', postalCode: '110111', timeZone: 'America/Bogota', share: 3.0 },
      { country: 'BR', region: 'SP', postalCode: '01000-000', timeZone: 'America/Sao_Paulo', share: 3.0 },
      { country: 'GB', region: 'ENG', postalCode: 'EC1A 1BB', timeZone: 'Europe/London', share: 8.0 },
      { country: 'DE', region: 'BE', postalCode: '10115', timeZone: 'Europe/Berlin', share: 5.0 },
      { country: 'FR', region: 'IDF', postalCode: '75001', timeZone: 'Europe/Paris', share: 4.0 },
      { country: 'NL', region: 'NH', postalCode: '1012', timeZone: 'Europe/Amsterdam', share: 2.0 },
      { country: 'ES', region: 'MD', postalCode: '28001', timeZone: 'Europe/Madrid', share: 2.0 },
      { country: 'IN', region: 'MH', postalCode: '400001', timeZone: 'Asia/Kolkata', share: 5.0 },
      { country: 'JP', region: '13', postalCode: '100-0001', timeZone: 'Asia/Tokyo', share: 4.0 },
      { country: 'AU', region: 'NSW', postalCode: '2000', timeZone: 'Australia/Sydney', share: 3.0 },
    ] as Place[],
    source:
      'assumption: a US-led SaaS merchant selling worldwide (55 % US). The US split by zone follows the US Census Bureau 2020 state populations summed per time zone; zone names are IANA tz database facts',
  },
  payHabits: {
    value: {
      US: { frequencies: { weekly: 32.4, biweekly: 36.5, semimonthly: 19.8, monthly: 11.3 }, weeklyPayday: 5, semimonthlyDays: [15, 31], monthlyDay: 'last' },
      CA: { frequencies: { weekly: 10, biweekly: 60, semimonthly: 20, monthly: 10 }, weeklyPayday: 5, semimonthlyDays: [15, 31], monthlyDay: 'last' },
      AU: { frequencies: { weekly: 20, biweekly: 50, monthly: 30 }, weeklyPayday: 4, semimonthlyDays: [15, 31], monthlyDay: 'last' },
      GB: { frequencies: { weekly: 20, monthly: 80 }, weeklyPayday: 5, semimonthlyDays: [15, 31], monthlyDay: 'last' },
      MX: { frequencies: { weekly: 40, semimonthly: 60 }, weeklyPayday: 5, semimonthlyDays: [15, 31], monthlyDay: 'last' },
      CO: { frequencies: { semimonthly: 60, monthly: 40 }, weeklyPayday: 5, semimonthlyDays: [15, 31], monthlyDay: 31 },
      BR: { frequencies: { monthly: 100 }, weeklyPayday: 5, semimonthlyDays: [15, 31], monthlyDay: 5 },
      IN: { frequencies: { monthly: 100 }, weeklyPayday: 5, semimonthlyDays: [15, 31], monthlyDay: 1 },
      JP: { frequencies: { monthly: 100 }, weeklyPayday: 5, semimonthlyDays: [15, 31], monthlyDay: 25 },
      EUROPE: { frequencies: { monthly: 100 }, weeklyPayday: 5, semimonthlyDays: [15, 31], monthlyDay: 'last' },
    } as Record<string, PayHabits>,
    source:
      `US: ${BLS_2013}; Friday for weekly/biweekly payers: shared/REFERENCE.md §8 ("usually on Fridays"). ` +
      'MX: Ley Federal del Trabajo art. 88 (pay at most weekly for manual work, fortnightly otherwise; the 40/60 split is an assumption). ' +
      'BR: CLT art. 459 §1 (monthly pay by the 5th business day of the next month; day 5 used). ' +
      'IN: Payment of Wages Act 1936 §5 (wages by the 7th of the next month; the 1st used as the common practice, an assumption). ' +
      'Every other split and day (CA biweekly-led, AU fortnightly on Thursday, GB 80 % monthly, JP the 25th, CO quincena, Europe month end) is an assumption from common payroll practice',
  },
  /** Payroll credits are available this hour, customer time, on payday. */
  fundsAvailableHourLocal: {
    value: 9,
    source: 'Nacha Operating Rules: PPD payroll credits available to the receiver by 9:00 a.m. local time on the settlement date (same hour used outside the US: assumption)',
  },
  /** Insufficient funds: the chance that a payday brings enough to cover the charge. */
  insufficientFundsPaydayCoverShare: { value: 0.55, source: 'assumption' },
  /** Insufficient funds: mean days the money stays in the account after a payday that covered it (exponential). */
  insufficientFundsMeanDaysFunded: { value: 3, source: 'assumption' },
  /** Insufficient funds: chance per attempt that money arrived from elsewhere (a transfer, a refund) off payday. */
  insufficientFundsOffPaydayChance: { value: 0.04, source: 'assumption' },
  /** Soft and ambiguous declines: the share of cases whose card can ever be approved again. */
  recoverableShare: { value: { soft: 0.8, ambiguous: 0.4 } as Record<'soft' | 'ambiguous', number>, source: 'assumption' },
  /** Soft and ambiguous, recoverable: the chance a first retry succeeds after a long gap. */
  firstRetrySuccess: { value: { soft: 0.55, ambiguous: 0.35 } as Record<'soft' | 'ambiguous', number>, source: 'assumption' },
  /** Each further try multiplies the chance by this (issuers grow wary of repeated tries). */
  successDecayPerTry: { value: 0.75, source: 'assumption' },
  /** The chance grows with the gap since the last attempt: 1 − exp(−gapHours / this). */
  gapRecoveryHours: { value: 24, source: 'assumption' },
  /** A declined retry answers with the same decline code as the renewal did. */
  retryDeclineCode: { value: 'same_as_renewal' as const, source: 'assumption' },
  /** Payday calendars leave out public holidays. */
  publicHolidays: { value: 'not_modelled' as const, source: 'assumption' },
  /** Stripe's own retries are off for every policy, so only the policy under test retries. */
  stripeOwnRetries: { value: 'off' as const, source: 'assumption (a merchant using a retry engine turns Smart Retries off)' },
  /** Customers (any decline) who update their card on their own, per day. */
  ownCardUpdatePerDay: { value: 0.004, source: 'assumption' },
  /** The dunning emails every policy sends alike (days after the failure). */
  emailDays: { value: [0, 3, 7, 14], source: "the product's default dunning sequence (backend/src/dunning/dunningSteps.ts)" },
  /** The chance a customer acts on one email and updates their card, by whether the email says the card must change. */
  cardUpdatePerEmail: { value: { cardMustChange: 0.15, other: 0.05 }, source: 'assumption' },
  /** Hours between an email and the card update it prompts (uniform). */
  cardUpdateDelayHours: { value: [1, 7] as [number, number], source: 'assumption (as in scripts/demo.ts)' },
  /** A new card saved by the customer is charged at once; the chance it is approved. */
  newCardApproval: { value: 0.95, source: 'assumption' },
  /** India-issued cards run under RBI e-mandates: off-session retries never succeed. */
  indiaOffSessionRetries: {
    value: 'never_succeed' as const,
    source: 'Stripe docs, "Automate payment retries": Stripe does not retry payments on India-issued cards; "India recurring payments": off-session payments need a registered e-mandate',
  },
  cardBrands: {
    value: {
      US: { visa: 61, mastercard: 25, amex: 11, discover: 3 },
      JP: { visa: 50, mastercard: 25, jcb: 25 },
      OTHER: { visa: 57, mastercard: 40, amex: 3 },
    } as Record<string, Partial<Record<Brand, number>>>,
    source: 'US: The Nilson Report, US general-purpose card purchase volume shares 2023 (approximate); JP and the rest of the world: assumption',
  },
  pricesMinor: { value: [900, 1900, 2900, 4900, 9900], source: 'assumption (monthly SaaS price points, USD; as in scripts/demo.ts)' },
  /** Renewals fail over this many days from the start (uniform): anniversary billing spreads them over the month. */
  renewalSpreadDays: { value: 28, source: 'assumption (subscriptions renew on their signup anniversary, spread over the month)' },
  /** Renewals fail at these UTC hours (uniform): when the merchant's billing runs. */
  renewalHourUtc: { value: [0, 24] as [number, number], source: 'assumption (subscriptions renew at their signup time, spread over the day)' },
  /** The invoice stays open this long: a customer's card update inside it may still pay. */
  invoiceLifeDays: { value: 30, source: "assumption (a monthly invoice, Stripe's longest Smart Retries window is 2 months)" },
  networkRules: {
    value: {
      visaNeverApprove: ['pickup_card', 'lost_card', 'stolen_card', 'invalid_account', 'incorrect_number', 'transaction_not_allowed', 'stop_payment_order', 'revocation_of_authorization', 'revocation_of_all_authorizations'],
      visaMaxReattemptsPer30Days: 15,
      mastercardMaxDeclinesPer24h: 10,
      mastercardMaxDeclinesPer30Days: 35,
    },
    source: 'Visa and Mastercard retry rules as processors publish them, shared/REFERENCE.md §2 (Visa category 1; 15 reattempts in 30 days as Stripe documents; Mastercard 10 in 24 h, 35 in 30 days)',
  },
  /** Retries outside these local hours are counted as made at night. */
  customerDayHours: { value: [7, 21] as [number, number], source: 'issue 18: "no retry outside 07:00–21:00 in the customer\'s local time"' },
} satisfies Record<string, Parameter<unknown>>;

export type DeclineBucketName = 'insufficient_funds' | 'soft' | 'ambiguous' | 'never_retry' | 'customer_must_act' | 'blocked_by_stripe';
export type BehaviourModel = typeof MODEL;

/** The bucket of a decline code in the model; unknown codes are ambiguous. */
export function bucketOf(declineCode: string): DeclineBucketName {
  return MODEL.declineBuckets.value[declineCode] ?? 'ambiguous';
}

/** Declines whose card can never be approved again: the customer must bring another. */
export function isHardDecline(declineCode: string): boolean {
  const bucket = bucketOf(declineCode);
  return bucket === 'never_retry' || bucket === 'customer_must_act' || bucket === 'blocked_by_stripe';
}

/** The pay habits of a country (the European default for countries the model names none for). */
export function payHabitsOf(country: string): PayHabits {
  return MODEL.payHabits.value[country] ?? MODEL.payHabits.value.EUROPE!;
}
