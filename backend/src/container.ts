import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Connection } from 'mongoose';
import { createAccountStore, createSecretBox, type Account } from './accounts';
import { createSenderSelection, createSettingsService, dunningPolicyOf, preDunningPolicyOf, retryPolicyOf } from './settings';
import { createPreDunningService } from './preDunning';
import { caseView, riskView, createApiKeyStore, createIdempotencyStore, ensureIdempotencyExpiryIndex } from './api';
import { createCardAttemptStore } from './cardLedger';
import { createAccountProfileLookup, createBillingGateway, createPaymentLookup, createStripeClient, stripeKeysByMode } from './adapters/stripe';
import { createCardUpdateService, createRenewalCardUpdate, linkSigningKey } from './cardUpdate';
import { createRateLimitStore } from './rateLimits';
import { createRenewalIntake, createRenewalRefresh, createRenewalStore } from './renewals';
import { createRenewalOutcomeStore, createRenewalRiskService, recordRenewalOutcome } from './renewalRisk';
import { createExperimentService, createExperimentStore } from './experiments';
import { createDunningService, createEmailContentStore, createSuppressionStore, createTestModeRecipients } from './dunning';
import { createPostmarkMailer, createPostmarkServerDirectory } from './adapters/postmark';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { dropRetiredIndexes } from './database/retiredIndexes';
import type { Logger } from './logger';
import { createMerchantEmailLookup, createOutboundWebhooks, createOutboxRelay, type OutboundEventSink } from './outbound';
import { withAttemptsInOutboxes, createCaseControlService, createCaseOutboxStore, createCaseStore, createHandOverService, createRecoveryService, createRetryService } from './recovery';
import { createPayMomentsReader, createRollupStore } from './stats';
import { createPrivacyService, ensureRawEventExpiryIndex } from './privacy';
import type { RetryPolicy } from './retryPolicy';
import { createWorker, DELIVER_WEBHOOKS_JOB, listRecurringJobs, type Worker } from './scheduler';
import { createStripeEventProcessor, createStripeEventStore, eventLeaseMs, INTAKE_FIRST_MAX_PAUSE_MS, INTAKE_FIRST_MAX_WAIT_MS } from './webhooks';

import type { Container } from './containerParts';

export type { Container };

export function createContainer(options: {
  config: Config;
  logger: Logger;
  connection: Connection;
  clock?: Clock;
  /** Until merchants can set their own policy (issue 5), tests and the demo pass one here. */
  retryPolicy?: RetryPolicy;
  /** Where case events go (tests may watch them); the webhook publisher by default. */
  outboundEvents?: OutboundEventSink;
  /** The holdout share of accounts that have not chosen one (10 % unless given; tests pass 0). */
  defaultHoldoutShare?: number;
}): Container {
  const { config, logger, connection } = options;
  const clock = options.clock ?? systemClock;
  // Lease owner name: unique per process so two instances never mistake each other's leases.
  const instanceId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  const accounts = createAccountStore(connection);
  const cases = createCaseStore(connection);
  const stripeEvents = createStripeEventStore(connection);
  const cardAttempts = createCardAttemptStore(connection);
  const renewals = createRenewalStore(connection);
  const rollups = createRollupStore(connection);
  const secrets = createSecretBox(config.secretsKey);
  const operatorSender = { from: config.postmark.from, verifiedDomains: config.postmark.verifiedDomains };
  // A merchant's token is checked with Postmark before it is stored; without our own token nothing is sent, so none is taken.
  const mailServers = config.postmark.serverToken ? createPostmarkServerDirectory({ apiBase: config.postmark.apiBase }) : null;
  const holdoutDefault = options.defaultHoldoutShare !== undefined ? { defaultHoldoutShare: options.defaultHoldoutShare } : {};
  const settings = createSettingsService({ accounts, secrets, mailServers, operatorSender, publicUrl: config.publicUrl, ...holdoutDefault });
  const { senderFor, merchantServerToken, noteSender } = createSenderSelection({ accounts, secrets, operator: operatorSender });
  const experimentStore = createExperimentStore(connection);
  const experiments = createExperimentService({ experiments: experimentStore, settings, clock, logger });
  // Each case save carries its events, stats delta and experiment counts in its outbox, in the same write; the relay passes them on.
  const recovery = createRecoveryService({ cases, cardAttempts, logger, clock, describeCase: caseView, enroll: experiments.enroll });
  const caseOutboxes = createCaseOutboxStore(connection);
  // Our attempts reach the ledger through case outboxes; what a step reads includes those not copied yet.
  const cardLedger = withAttemptsInOutboxes(cardAttempts, caseOutboxes);
  const outboxRelay = createOutboxRelay({
    outbox: caseOutboxes,
    rollups,
    experimentTallies: experiments,
    cardAttempts,
    // The webhook publisher is built further down (it needs the mailer); the relay only calls it once the worker runs.
    sink: options.outboundEvents ?? { publish: (events) => outboundWebhooks.publisher.publish(events) },
    clock,
    instanceId,
    leaseMs: config.workerLeaseMs,
    logger,
  });
  const caseControls = createCaseControlService({ cases, recovery, clock });
  // One client per mode, chosen by each case's or event's livemode: our calls never cross modes.
  const keys = stripeKeysByMode(config.stripe.secretKey, config.stripe.testSecretKey);
  const clientFor = (key: string | null) => (key ? createStripeClient({ secretKey: key, apiBase: config.stripe.apiBase, timeoutMs: config.stripe.timeoutMs }) : null);
  const stripeByMode = { live: clientFor(keys.live), test: clientFor(keys.test) };
  const lookupByMode = { live: stripeByMode.live && createPaymentLookup(stripeByMode.live), test: stripeByMode.test && createPaymentLookup(stripeByMode.test) };
  const billingByMode = { live: stripeByMode.live && createBillingGateway(stripeByMode.live), test: stripeByMode.test && createBillingGateway(stripeByMode.test) };
  const billingFor = (livemode: boolean) => (livemode ? billingByMode.live : billingByMode.test);
  const accountProfilesFor = (livemode: boolean) => {
    const stripe = livemode ? stripeByMode.live : stripeByMode.test;
    return stripe ? createAccountProfileLookup(stripe) : null;
  };
  // The merchant's own zone until they set one; tests and the demo may pass their own retry policy.
  const merchantTimeZoneFor = (account: Account | null) => (options.retryPolicy ?? retryPolicyOf(account, config.defaultMerchantTimeZone)).merchantTimeZone;
  const renewalOutcomes = createRenewalOutcomeStore(connection);
  const renewalIntake = createRenewalIntake({
    renewals,
    billingFor,
    onRenewalCharge: (tenancy, charge) => recordRenewalOutcome(renewalOutcomes, { ...tenancy, ...charge, billingReason: 'subscription_cycle' }),
  });
  const privacy = createPrivacyService({ connection, clock, ...config.privacy });
  const stripeEventProcessor = createStripeEventProcessor({
    events: stripeEvents,
    accounts,
    recovery,
    // Called only while events are handled, after `settings` below exists.
    holdoutOf: (account) => settings.holdoutOf(account),
    enrollmentForBatch: () => experiments.enrollmentForBatch(),
    paymentLookupFor: (livemode) => (livemode ? lookupByMode.live : lookupByMode.test),
    renewalIntake,
    privacy,
    logger,
    clock,
    instanceId,
    leaseMs: eventLeaseMs(config.stripe.timeoutMs),
    concurrency: config.stripeEventConcurrency,
    batchesInFlight: config.stripeEventBatchesInFlight,
    intakeFirst: { handlingShare: config.stripeEventHandlingShareWhileReceiving, maxWaitMs: INTAKE_FIRST_MAX_WAIT_MS, maxPauseMs: INTAKE_FIRST_MAX_PAUSE_MS },
  });
  const rateLimits = createRateLimitStore(connection);
  const apiKeys = createApiKeyStore(connection);
  const suppressions = createSuppressionStore(connection);
  const emailContents = createEmailContentStore(connection);
  const cardUpdate = createCardUpdateService({
    linkKey: linkSigningKey(config.cardUpdate.linkSecret),
    publicUrl: config.publicUrl,
    accounts,
    cases,
    recovery,
    billingFor,
    clock,
    logger,
    linkValidityDays: config.cardUpdate.linkValidityDays,
    renewalFlow: createRenewalCardUpdate({
      accounts,
      renewals,
      billingFor,
      // The card with its expiry: the renewals intake's read at Stripe (BillingGateway.fetchPaymentCard).
      paymentCardFor: (livemode) => {
        const billing = billingFor(livemode);
        return billing ? (account, paymentMethodId) => billing.fetchPaymentCard(account, paymentMethodId) : null;
      },
      publicUrl: config.publicUrl,
      merchantTimeZoneFor,
      clock,
      logger,
    }),
  });
  const portalOrigins = ['https://billing.stripe.com', ...(config.stripe.apiBase ? [new URL(config.stripe.apiBase).origin] : [])];
  // Insufficient funds are also tried on the paydays the account's own recovered payments show (issue 18).
  const payMomentsFor = createPayMomentsReader({ readAllTime: rollups.readAllTime, now: () => clock.now() });
  const retries = createRetryService({
    cases,
    cardAttempts,
    attemptsInOutboxes: (accountId, cardKey) => caseOutboxes.pendingCardAttempts(accountId, cardKey),
    accounts,
    recovery,
    billingFor,
    // Saved settings were validated when saved (settings/); tests and the demo may pass their own.
    policyFor: (account, current) => experiments.retryPolicyFor(current, options.retryPolicy ?? retryPolicyOf(account, config.defaultMerchantTimeZone)),
    payMomentsFor,
    clock,
    logger,
    instanceId,
    leaseMs: config.workerLeaseMs,
    lanes: config.recoveryActionConcurrency,
    // dunning is created below; a step only calls this long after start-up.
    thankYou: (recovered, account) => dunning.thankBeforeRelease(recovered, account),
  });
  const mailer = config.postmark.serverToken
    ? createPostmarkMailer({ serverToken: config.postmark.serverToken, apiBase: config.postmark.apiBase })
    : null;
  const dunning = createDunningService({
    cases,
    recovery,
    accounts,
    suppressions,
    emailContents,
    mailer,
    accountProfilesFor,
    policyFor: (account, current) => experiments.dunningPolicyFor(current, dunningPolicyOf(account)),
    merchantServerToken,
    noteSender,
    linkKey: linkSigningKey(config.cardUpdate.linkSecret),
    linkValidityDays: config.cardUpdate.linkValidityDays,
    publicUrl: config.publicUrl,
    senderFor,
    merchantTimeZoneFor,
    lanes: config.recoveryActionConcurrency,
    // One email a day across dunning and pre-dunning: a dunning email waits after a reminder the same local day.
    lastReminderTo: async (tenancy, customerId) => {
      const sent = (await renewals.findByCustomer(tenancy, customerId)).flatMap((renewal) => (renewal.lastReminderAt ? [renewal.lastReminderAt.getTime()] : []));
      return sent.length > 0 ? new Date(Math.max(...sent)) : null;
    },
    clock,
    logger,
  });
  const preDunning = createPreDunningService({
    renewals,
    cases,
    accounts,
    suppressions,
    mailer,
    recipients: createTestModeRecipients({
      accounts,
      accountProfilesFor,
      logger,
    }),
    policyFor: preDunningPolicyOf,
    dunningPolicyFor: dunningPolicyOf,
    merchantServerToken,
    noteSender,
    merchantTimeZoneFor,
    linkKey: linkSigningKey(config.cardUpdate.linkSecret),
    publicUrl: config.publicUrl,
    senderFor,
    clock,
    logger,
    instanceId,
    leaseMs: config.workerLeaseMs,
  });
  const handOver = createHandOverService({
    cases,
    recovery,
    accounts,
    cardAttempts: cardLedger,
    billingFor,
    policyFor: (account) => options.retryPolicy ?? retryPolicyOf(account, config.defaultMerchantTimeZone),
    payMomentsFor,
    isSettled: (accountId, targetId) => stripeEvents.hasSettlement(accountId, targetId),
    selfHostedAccountId: config.stripe.selfHostedAccountId,
    clock,
  });
  const idempotency = createIdempotencyStore(connection);
  const outboundWebhooks = createOutboundWebhooks({
    connection,
    secrets,
    mailer,
    emailFrom: config.postmark.from,
    accountEmailOf: createMerchantEmailLookup({
      accounts,
      accountProfilesFor,
      selfHostedAccountId: config.stripe.selfHostedAccountId,
      clock,
    }),
    allowLocalUrls: config.outboundWebhooks.allowLocalUrls,
    clock,
    logger,
    instanceId,
    workerLeaseMs: config.workerLeaseMs,
    onQueued: () => worker.wake(DELIVER_WEBHOOKS_JOB),
  });
  const renewalRisk = createRenewalRiskService({
    renewals,
    cases,
    outcomes: renewalOutcomes,
    accounts,
    // Alerts go where case events go: the publisher stores each id once, so a repeated alert is a no-op.
    events: options.outboundEvents ?? { publish: (events) => outboundWebhooks.publisher.publish(events) },
    describeRenewal: riskView,
    clock,
    logger,
  });
  const worker: Worker = createWorker(listRecurringJobs({ stripeEvents: stripeEventProcessor, retries, dunning, preDunning, rateLimits, outbox: outboxRelay, webhookDeliveries: outboundWebhooks.deliveries, idempotency, privacy, renewalRisk, renewalRefresh: createRenewalRefresh({ renewals, intake: renewalIntake, hasStripeKey: (livemode) => billingFor(livemode) !== null, clock, logger }), clock }), logger);

  return {
    config,
    logger,
    clock,
    connection,
    instanceId,
    accounts,
    cases,
    cardAttempts,
    renewals,
    renewalIntake,
    renewalOutcomes,
    renewalRisk,
    recovery,
    caseControls,
    rollups,
    outboxRelay,
    retries,
    stripeEvents,
    stripeEventProcessor,
    billingFor,
    rateLimits,
    suppressions,
    emailContents,
    dunning,
    preDunning,
    settings,
    experiments,
    apiKeys,
    idempotency,
    handOver,
    cardUpdate,
    portalOrigins,
    outboundWebhooks,
    privacy,
    worker,
  };
}

/** Creates the collections' indexes before traffic, so uniqueness holds from the first request. */
export async function ensureIndexes(connection: Connection, options: { rawEventRetentionDays?: number } = {}): Promise<void> {
  await Promise.all(Object.values(connection.models).map((model) => model.init()));
  await ensureIdempotencyExpiryIndex(connection);
  await ensureRawEventExpiryIndex(connection, options.rawEventRetentionDays ?? 30);
  // After the declared indexes exist, so no query is ever left without one.
  await dropRetiredIndexes(connection);
}
