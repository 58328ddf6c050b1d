/** The merchant's settings, email previews and API keys. */

export interface DunningStepSetting {
  dayOffset: number;
  tone: 'soft_reminder' | 'retry_notice' | 'urgent_reminder' | 'final_notice';
  /** The merchant's own copy in their default language. */
  custom: CustomCopy;
  /** Their own copy for customers in other languages, e.g. { de: {...} }; kept as it is when the form saves. */
  customByLocale?: CopyByLocale;
}

/** The languages customers get emails and the card-update page in. */
export const CUSTOMER_LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt-BR', 'ja'] as const;
export type CustomerLanguage = (typeof CUSTOMER_LANGUAGES)[number];

export type CopyByLocale = Partial<Record<CustomerLanguage, NonNullable<CustomCopy>>> | null;

/** The merchant's own wording of an email, instead of ours; null: our default copy. */
export type CustomCopy = { subject: string; html: string; text: string } | null;

/** One reminder before a renewal whose card will not survive it. */
export interface PreDunningStepSetting {
  /** Whole days before the renewal, 1 to 60; the steps go strictly down (30, 14, 3). */
  daysBefore: number;
  custom: CustomCopy;
  customByLocale?: CopyByLocale;
}

/** Reminders before a renewal whose card expires first: on by default, at 30, 14 and 3 days, at most 5 steps. */
export interface PreDunningSettings {
  enabled: boolean;
  steps: PreDunningStepSetting[];
}

export interface RenewalRiskSettings {
  /** 1 to 100, default 70: customer.renewal_at_risk fires, and the home counts a renewal, once its score reaches it. */
  alertThreshold: number;
}

export interface MerchantSettings {
  object: 'settings';
  retryPolicy: {
    windowDays: number;
    maxAttempts: number;
    gapsHours: number[];
    merchantTimeZone: string;
    retryHourLocal: number;
    stripeRetryClearanceHours: number;
    networkLimits: { visaMaxReattemptsPer30Days: number; mastercardMaxDeclinesPer24h: number; mastercardMaxDeclinesPer30Days: number };
    endAction: 'leave_open' | 'cancel_subscription' | 'mark_uncollectible';
    paydayCalendars: Record<string, unknown>;
  };
  dunning: { enabled: boolean; steps: DunningStepSetting[]; sendConfirmation: boolean; daytimeHours: [number, number] };
  branding: { merchantName: string; productName: string; logoUrl: string | null; accentColor: string; supportEmail: string | null };
  sender: SenderSettings;
  /** The merchant's own Postmark server: never the token, only whether one is set and the server it opens. */
  postmark: {
    configured: boolean;
    serverName: string | null;
    /** Where their server posts its webhooks and the basic-auth user; the password is shown once. */
    webhook: { url: string; username: string; createdAt: string } | null;
  };
  /** The share of failed payments held out as the control group, as a fraction from 0 to 0.5 (0.1 = 10 %); 0 turns the holdout off. */
  holdoutShare: number;
  preDunning: PreDunningSettings;
  renewalRisk: RenewalRiskSettings;
  /** The language customers get when their Stripe preferred_locales name none we support (default en). */
  language: CustomerLanguage;
  /** Explains each card-network limit in words, for the settings view. */
  networkLimitNotes: string[];
}

/** Who the emails come from: the merchant's choices, and the sender that applies with the reason. */
export interface SenderSettings {
  fromName: string | null;
  fromAddress: string | null;
  replyTo: string | null;
  effectiveFrom: string;
  effectiveReplyTo: string | null;
  usesOwnServer: boolean;
  reason: 'own_server' | 'verified_domain' | 'domain_not_verified' | 'no_from_address' | 'own_server_needs_from_address';
  explanation: string;
  /** Postmark's words when it last refused this very From address; null once an email went out. */
  lastRefusal: { message: string; at: string } | null;
}

/** Basic-auth credentials for the merchant's own Postmark server's webhooks, in the one answer that shows the password. */
export interface PostmarkWebhookCredentials {
  url: string;
  username: string;
  password: string;
}

export interface EmailPreview {
  object: 'email_preview';
  subject: string;
  html: string;
  text: string;
}

export interface ApiKeySummary {
  id: string;
  accountId: string;
  livemode: boolean;
  name: string;
  scope: 'read' | 'read_write';
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
