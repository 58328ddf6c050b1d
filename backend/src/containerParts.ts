import type { Connection } from 'mongoose';
import type { AccountStore } from './accounts';
import type { ApiKeyStore, IdempotencyStore } from './api';
import type { CardAttemptStore } from './cardLedger';
import type { CardUpdateService } from './cardUpdate';
import type { Clock } from './clock';
import type { Config } from './config';
import type { DunningService, EmailContentStore, SuppressionStore } from './dunning';
import type { ExperimentService } from './experiments';
import type { Logger } from './logger';
import type { OutboundWebhooks, OutboxRelay } from './outbound';
import type { PreDunningService } from './preDunning';
import type { PrivacyService } from './privacy';
import type { RateLimitStore } from './rateLimits';
import type { BillingGateway, CaseControlService, CaseStore, HandOverService, RecoveryService, RetryService } from './recovery';
import type { RenewalOutcomeStore, RenewalRiskService } from './renewalRisk';
import type { RenewalIntake, RenewalStore } from './renewals';
import type { Worker } from './scheduler';
import type { SettingsService } from './settings';
import type { RollupStore } from './stats';
import type { StripeEventProcessor, StripeEventStore } from './webhooks';

/** Everything the app and the worker need, built in one place. */
export interface Container {
  config: Config;
  logger: Logger;
  clock: Clock;
  connection: Connection;
  instanceId: string;
  accounts: AccountStore;
  cases: CaseStore;
  cardAttempts: CardAttemptStore;
  renewals: RenewalStore;
  renewalIntake: RenewalIntake;
  /** Past renewals' features and outcomes, what an account's own risk model learns from. */
  renewalOutcomes: RenewalOutcomeStore;
  renewalRisk: RenewalRiskService;
  recovery: RecoveryService;
  caseControls: CaseControlService;
  rollups: RollupStore;
  /** Passes what case saves wrote to their outboxes on: events to the outbound sink, deltas to the rollups. */
  outboxRelay: OutboxRelay;
  retries: RetryService;
  stripeEvents: StripeEventStore;
  stripeEventProcessor: StripeEventProcessor;
  /** The gateway for a case's mode: a live case only ever with a live key, a test case with a test key; null when that mode has none. */
  billingFor: (livemode: boolean) => BillingGateway | null;
  rateLimits: RateLimitStore;
  suppressions: SuppressionStore;
  /** What each email said, kept beside its case. */
  emailContents: EmailContentStore;
  dunning: DunningService;
  /** Reminders before a renewal whose card expires first (issue 14). */
  preDunning: PreDunningService;
  settings: SettingsService;
  experiments: ExperimentService;
  apiKeys: ApiKeyStore;
  /** The merchant API's Idempotency-Key records. */
  idempotency: IdempotencyStore;
  /** POST /api/recovery/execute: a merchant hands a failed payment to recovery. */
  handOver: HandOverService;
  cardUpdate: CardUpdateService;
  /** Where the Billing Portal lives: the card-update page may send the customer there. */
  portalOrigins: string[];
  /** Merchants' webhook endpoints, the publisher the outbox relays to, and deliveries. */
  outboundWebhooks: OutboundWebhooks;
  /** A customer's data exported or erased; uninstalled accounts erased after the grace period; raw events purged. */
  privacy: PrivacyService;
  worker: Worker;
}
