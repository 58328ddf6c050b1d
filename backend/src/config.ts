import { z } from 'zod';

/**
 * The only reader of process.env. Every setting is validated once at boot;
 * a bad value stops start-up with one line per problem, naming the variable.
 */

const role = z.enum(['web', 'worker', 'all']);

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const settingsSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  MONGODB_URI: optionalText.pipe(
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
  ),
  DATA_DIR: z.string().default('./data'),
  STRIPE_SECRET_KEY: optionalText.pipe(
    z.string().regex(/^(sk|rk)_(test|live)_/, 'must be a secret (sk_) or restricted (rk_) key').optional(),
  ),
  STRIPE_WEBHOOK_SECRET: optionalText.pipe(z.string().startsWith('whsec_', 'must start with whsec_').optional()),
  STRIPE_APP_SECRET: optionalText.pipe(z.string().startsWith('absec_', 'must start with absec_').optional()),
  STRIPE_API_BASE: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  STRIPE_ACCOUNT_ID: z
    .string()
    .regex(/^acct_[A-Za-z0-9_]+$/, 'must look like acct_...')
    .default('acct_self_hosted'),
  ROLE: role.default('all'),
  CARD_UPDATE_LINK_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  CARD_UPDATE_LINK_DAYS: z.coerce.number().int().min(1).max(30).default(7),
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  MERCHANT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  // Deprecated: read as TRUST_PROXY_HOPS=1 (see loadConfig).
  TRUST_PROXY: z.enum(['true', 'false']).optional(),
  // Longer than the slowest step: up to three Stripe calls, each up to three tries of STRIPE_TIMEOUT_SECONDS.
  WORKER_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  // Events of different customers handled at once by one worker; also how many one claim takes. 64: each claim, its
  // shared reads and its finish are one command for the whole batch, so a larger batch costs fewer commands per event.
  STRIPE_EVENT_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(64),
  // Claimed batches of events one worker handles at the same time: the next is claimed and started while one waits on the database.
  // One by default: on the embedded database a second batch drains faster but takes from intake what a webhook needs (docs/testing.md).
  STRIPE_EVENT_BATCHES_IN_FLIGHT: z.coerce.number().int().min(1).max(8).default(1),
  // While webhooks keep arriving, the share of time the event job handles; it pauses the rest so intake's inserts go first
  // (webhooks/intakeFirst.ts). 0.25: on the dev database intake kept 0.29-0.34 of the raw insert rate beside a worker
  // draining at full pace, 0.45 at half and 0.52 at a third (bench:intake, 2026-12-04). 1 never pauses.
  STRIPE_EVENT_HANDLING_SHARE_WHILE_RECEIVING: z.coerce.number().gt(0).max(1).default(0.25),
  // Retry steps one worker takes at once, and emails it sends at once: each mostly waits on Stripe, Postmark and the database, so lanes overlap the waits.
  // 8: on the dev database one worker ran 89-95 actions/s with 8 against 61-79 with 4 (bench:scheduler, alternated, 2026-12-04).
  RECOVERY_ACTION_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(8),
  // The zone for customers whose place is unknown, until a merchant sets their own: US Eastern, where the largest group of customers lives (UTC would retry them at night).
  DEFAULT_MERCHANT_TIME_ZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris').default('America/New_York'),
  STRIPE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(20),
  SECRETS_ENCRYPTION_KEY: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  POSTMARK_SERVER_TOKEN: optionalText,
  POSTMARK_API_BASE: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  EMAIL_FROM: optionalText.pipe(z.string().regex(/^(.+<)?[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>?$/, 'must be an address, e.g. Billing <billing@example.com>').optional()),
  // Domains verified on the operator's Postmark server: a merchant's From address on one of them is used as is.
  POSTMARK_VERIFIED_DOMAINS: optionalText.pipe(
    z
      .string()
      .transform((value) => value.split(',').map((domain) => domain.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/, 'must be domain names separated by commas, e.g. example.com,mail.example.org')))
      .optional(),
  ),
  POSTMARK_WEBHOOK_USERNAME: z.string().min(1).default('postmark'),
  POSTMARK_WEBHOOK_PASSWORD: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  STRIPE_TEST_SECRET_KEY: optionalText.pipe(z.string().regex(/^(sk|rk)_test_/, 'must be a test-mode key (sk_test_ or rk_test_)').optional()),
  // At least 4: Stripe re-delivers an event for up to 3 days, and the stored ids are what recognise a re-delivery.
  RAW_EVENT_RETENTION_DAYS: z.coerce.number().int().min(4).max(3650).default(30),
  UNINSTALL_GRACE_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
});

export type Role = z.infer<typeof role>;

/** Every environment variable the backend reads (documented one per line in .env.example). */
export const SETTING_NAMES = Object.keys(settingsSchema.shape);

/** What each setting is when unset, as the schema gives it (docs/settings.md states these; a test holds them together). */
export function settingDefaults(): Record<string, unknown> {
  return settingsSchema.parse({});
}

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly publicUrl: string;
  /** Unset means: start the embedded dev database with data under dataDir. */
  readonly mongodbUri: string | undefined;
  readonly dataDir: string;
  readonly role: Role;
  readonly logLevel: string;
  readonly shutdownGraceMs: number;
  /** Encrypts merchant secrets at rest; changing it makes stored ones unreadable. */
  readonly secretsKey: string;
  /** How long a worker holds a case; a crashed worker's cases are taken over after this. */
  readonly workerLeaseMs: number;
  /** Stripe events one worker handles at once (never two of one customer at the same time); also the size of each claim. */
  readonly stripeEventConcurrency: number;
  /** Claimed batches of events one worker handles at the same time (a customer's events still one after another). */
  readonly stripeEventBatchesInFlight: number;
  /** While webhooks keep arriving, the share of time the event job handles (webhooks/intakeFirst); 1 never pauses. */
  readonly stripeEventHandlingShareWhileReceiving: number;
  /** Retry steps one worker takes at once (never two of one customer at the same time). */
  readonly recoveryActionConcurrency: number;
  /** The merchant's zone until they set their own: customers whose place is unknown are retried and emailed in its daytime. */
  readonly defaultMerchantTimeZone: string;
  /** Requests per minute per merchant account on the merchant API. */
  readonly merchantRateLimitPerMinute: number;
  /**
   * How many proxies in front of us append to X-Forwarded-For: the client is the
   * address that many entries from the right (0: the socket address; anything
   * further left was written by the client and could be faked).
   */
  readonly trustedProxyHops: number;
  /** Settings that still work but should be changed; logged at start-up. */
  readonly warnings: readonly string[];
  readonly cardUpdate: {
    /** Signs card-update links; changing it invalidates every link already sent. */
    readonly linkSecret: string;
    readonly linkValidityDays: number;
    /** Requests per minute per client IP on the public card-update pages. */
    readonly rateLimitPerMinute: number;
  };
  readonly postmark: {
    /** Unset: emails are not sent (the demo and tests point POSTMARK_API_BASE at the local receiver). */
    readonly serverToken: string | undefined;
    readonly apiBase: string | undefined;
    readonly from: string;
    /** Domains verified on the operator's server (lower case): merchants' From addresses there are sent as they are. */
    readonly verifiedDomains: readonly string[];
    readonly webhookUsername: string;
    readonly webhookPassword: string;
  };
  readonly privacy: {
    /** Days Stripe's raw events (their payloads) are kept after receipt. */
    readonly rawEventRetentionDays: number;
    /** Days an uninstalled account's data waits for a reinstall before it is erased. */
    readonly uninstallGraceDays: number;
  };
  readonly outboundWebhooks: {
    /**
     * Whether merchants' webhook URLs may be http:// and reach loopback: only with
     * NODE_ENV=test, or development with no sign of a deployment (see deploymentSigns).
     * Everywhere else only https:// URLs whose addresses are public are called.
     */
    readonly allowLocalUrls: boolean;
  };
  readonly stripe: {
    readonly secretKey: string | undefined;
    /** Serves test-mode cases when STRIPE_SECRET_KEY is a live key: one deployment for both modes. */
    readonly testSecretKey: string | undefined;
    readonly webhookSecret: string;
    readonly appSecret: string | undefined;
    readonly apiBase: string | undefined;
    /** Per request; the SDK tries each request up to three times. */
    readonly timeoutMs: number;
    readonly selfHostedAccountId: string;
  };
}

/** Development-only signing key for card-update links; production must set its own. */
export const DEVELOPMENT_LINK_SECRET = 'development-only-card-update-link-secret';

/** Development-only password for Postmark's webhook; production must set its own. */
export const DEVELOPMENT_POSTMARK_WEBHOOK_PASSWORD = 'development-only-password';

/** A development-only webhook secret, so a fresh checkout accepts locally signed events. */
export const DEVELOPMENT_WEBHOOK_SECRET = 'whsec_local_development_only';

/** Development-only key for merchant secrets at rest; production must set its own. */
export const DEVELOPMENT_SECRETS_ENCRYPTION_KEY = 'development-only-secrets-encryption-key';

/** Each secret with the development value published in this repository that stands in for it when unset. */
const DEVELOPMENT_SECRETS = {
  STRIPE_WEBHOOK_SECRET: DEVELOPMENT_WEBHOOK_SECRET,
  CARD_UPDATE_LINK_SECRET: DEVELOPMENT_LINK_SECRET,
  POSTMARK_WEBHOOK_PASSWORD: DEVELOPMENT_POSTMARK_WEBHOOK_PASSWORD,
  SECRETS_ENCRYPTION_KEY: DEVELOPMENT_SECRETS_ENCRYPTION_KEY,
} as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(settings)'}: ${issue.message}`),
    );
  }
  const settings = parsed.data;
  const problems = [...productionProblems(settings), ...secretProblems(settings)];
  if (problems.length > 0) throw new ConfigError(problems);
  const trustedProxyHops = settings.TRUST_PROXY_HOPS || (settings.TRUST_PROXY === 'true' ? 1 : 0);
  const warnings = settings.TRUST_PROXY
    ? [`TRUST_PROXY is deprecated: set TRUST_PROXY_HOPS to the number of proxies in front of this backend (now using ${trustedProxyHops}).`]
    : [];

  return Object.freeze({
    env: settings.NODE_ENV,
    port: settings.PORT,
    publicUrl: settings.PUBLIC_URL ?? `http://127.0.0.1:${settings.PORT}`,
    mongodbUri: settings.MONGODB_URI,
    dataDir: settings.DATA_DIR,
    role: settings.ROLE,
    logLevel: settings.LOG_LEVEL,
    shutdownGraceMs: settings.SHUTDOWN_GRACE_MS,
    trustedProxyHops,
    warnings: Object.freeze(warnings),
    merchantRateLimitPerMinute: settings.MERCHANT_RATE_LIMIT_PER_MINUTE,
    workerLeaseMs: settings.WORKER_LEASE_SECONDS * 1000,
    stripeEventConcurrency: settings.STRIPE_EVENT_CONCURRENCY,
    stripeEventBatchesInFlight: settings.STRIPE_EVENT_BATCHES_IN_FLIGHT,
    stripeEventHandlingShareWhileReceiving: settings.STRIPE_EVENT_HANDLING_SHARE_WHILE_RECEIVING,
    recoveryActionConcurrency: settings.RECOVERY_ACTION_CONCURRENCY,
    defaultMerchantTimeZone: settings.DEFAULT_MERCHANT_TIME_ZONE,
    secretsKey: settings.SECRETS_ENCRYPTION_KEY ?? DEVELOPMENT_SECRETS_ENCRYPTION_KEY,
    cardUpdate: Object.freeze({
      linkSecret: settings.CARD_UPDATE_LINK_SECRET ?? DEVELOPMENT_LINK_SECRET,
      linkValidityDays: settings.CARD_UPDATE_LINK_DAYS,
      rateLimitPerMinute: settings.PUBLIC_RATE_LIMIT_PER_MINUTE,
    }),
    postmark: Object.freeze({
      serverToken: settings.POSTMARK_SERVER_TOKEN,
      apiBase: settings.POSTMARK_API_BASE,
      from: settings.EMAIL_FROM ?? 'Billing <billing@localhost.test>',
      verifiedDomains: Object.freeze(settings.POSTMARK_VERIFIED_DOMAINS ?? []),
      webhookUsername: settings.POSTMARK_WEBHOOK_USERNAME,
      webhookPassword: settings.POSTMARK_WEBHOOK_PASSWORD ?? DEVELOPMENT_POSTMARK_WEBHOOK_PASSWORD,
    }),
    privacy: Object.freeze({
      rawEventRetentionDays: settings.RAW_EVENT_RETENTION_DAYS,
      uninstallGraceDays: settings.UNINSTALL_GRACE_DAYS,
    }),
    outboundWebhooks: Object.freeze({
      allowLocalUrls: settings.NODE_ENV === 'test' || (settings.NODE_ENV === 'development' && deploymentSigns(settings).length === 0),
    }),
    stripe: Object.freeze({
      secretKey: settings.STRIPE_SECRET_KEY,
      testSecretKey: settings.STRIPE_TEST_SECRET_KEY,
      webhookSecret: settings.STRIPE_WEBHOOK_SECRET ?? DEVELOPMENT_WEBHOOK_SECRET,
      appSecret: settings.STRIPE_APP_SECRET,
      apiBase: settings.STRIPE_API_BASE,
      timeoutMs: settings.STRIPE_TIMEOUT_SECONDS * 1000,
      selfHostedAccountId: settings.STRIPE_ACCOUNT_ID,
    }),
  });
}

type Settings = z.infer<typeof settingsSchema>;

/**
 * What marks a real deployment, whatever NODE_ENV says: a live key, a database
 * of its own, or an https address customers reach. There, an unset secret
 * must stop start-up rather than fall back to a value anyone can read here.
 * Example: STRIPE_SECRET_KEY=sk_live_… without CARD_UPDATE_LINK_SECRET stops
 * with "CARD_UPDATE_LINK_SECRET: required because STRIPE_SECRET_KEY is a live key …".
 */
function deploymentSigns(settings: Settings): string[] {
  return [
    ...(settings.STRIPE_SECRET_KEY && /^(sk|rk)_live_/.test(settings.STRIPE_SECRET_KEY) ? ['STRIPE_SECRET_KEY is a live key'] : []),
    ...(settings.MONGODB_URI ? ['MONGODB_URI is set'] : []),
    ...(settings.PUBLIC_URL?.startsWith('https://') ? ['PUBLIC_URL is https'] : []),
    ...(settings.NODE_ENV === 'production' ? ['NODE_ENV=production'] : []),
  ];
}

/** One line per secret that is unset, or set to its published development value, in a deployment. */
function secretProblems(settings: Settings): string[] {
  const signs = deploymentSigns(settings);
  if (signs.length === 0) return [];
  const problems: string[] = [];
  for (const [name, developmentValue] of Object.entries(DEVELOPMENT_SECRETS) as [keyof typeof DEVELOPMENT_SECRETS, string][]) {
    const value = settings[name];
    if (!value) problems.push(`${name}: required because ${signs.join(' and ')} (unset, a development value published in this repository would be used)`);
    else if (value === developmentValue) problems.push(`${name}: the development value published in this repository; set a secret of your own`);
  }
  return problems;
}

/** With NODE_ENV=production: real services over https, a live key, and no embedded stand-ins. */
function productionProblems(settings: Settings): string[] {
  if (settings.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  for (const required of ['MONGODB_URI', 'STRIPE_SECRET_KEY', 'PUBLIC_URL', 'POSTMARK_SERVER_TOKEN', 'EMAIL_FROM'] as const) {
    if (!settings[required]) problems.push(`${required}: required when NODE_ENV=production`);
  }
  if (settings.STRIPE_SECRET_KEY && /^(sk|rk)_test_/.test(settings.STRIPE_SECRET_KEY)) {
    problems.push('STRIPE_SECRET_KEY: a test key; NODE_ENV=production needs a live key (sk_live_ or rk_live_)');
  }
  if (settings.PUBLIC_URL && !settings.PUBLIC_URL.startsWith('https://')) problems.push('PUBLIC_URL: must be https when NODE_ENV=production');
  for (const name of ['STRIPE_API_BASE', 'POSTMARK_API_BASE'] as const) {
    const url = settings[name];
    if (url && (!url.startsWith('https://') || isLoopback(new URL(url).hostname))) {
      problems.push(`${name}: must be an https address that is not this machine when NODE_ENV=production (unset it to reach the real service)`);
    }
  }
  return problems;
}

/** localhost, 127.0.0.0/8, ::1 (and their spellings): a local stand-in, never the real service. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '0.0.0.0' || host === '::' || /^::ffff:(127\.|7f)/.test(host);
}
