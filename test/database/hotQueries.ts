/**
 * The queries the workers and the busiest routes make for every retry action,
 * Stripe event, email, relayed outbox entry and outbound delivery: one table,
 * read by test/database/hotQueryPlans.test.ts (which runs each one through
 * the real store and checks its filter, its index and the server's plan) and
 * by test/docs/docs.test.ts (which holds docs/capacity.md to it).
 */

/** On which path a query runs, per unit of work. */
export type HotPath = 'retry action' | 'Stripe event' | 'email' | 'outbox relay' | 'outbound delivery' | 'merchant API';

/**
 * How a query names the account: `accountId` in the filter, the account as
 * the prefix of a computed string `_id` (`acct_…|…`), or not at all, with the
 * reason (the cross-account claims of due work, and keys that are unique on
 * their own).
 */
export type AccountScope = { kind: 'accountId' } | { kind: 'accountId prefix of _id' } | { kind: 'cross-account'; why: string };

export interface HotQuery {
  /** What the query does, in the words of docs/capacity.md. */
  name: string;
  /** The store file and method that makes it. */
  madeBy: string;
  path: HotPath;
  collection: string;
  /** The database command that carries the filter. */
  command: 'find' | 'findAndModify' | 'update' | 'delete';
  /** The index it is meant to use, by MongoDB's default name. */
  index: string;
  scope: AccountScope;
}

const byAccount: AccountScope = { kind: 'accountId' };
const byAccountKey: AccountScope = { kind: 'accountId prefix of _id' };
const crossAccountClaim: AccountScope = {
  kind: 'cross-account',
  why: 'a claim of due work: one worker pool serves every merchant, so it takes the most overdue work of any account',
};
const byClaimedId = (what: string): AccountScope => ({ kind: 'cross-account', why: `a write to ${what} the worker already holds by its lease, addressed by its unique _id` });

export const HOT_QUERIES: HotQuery[] = [
  { name: 'find due retry actions', madeBy: 'recovery/caseStore.ts findDue', path: 'retry action', collection: 'recoveryCases', command: 'find', index: 'status_1_nextActionAt_1', scope: crossAccountClaim },
  { name: 'read a case by its key', madeBy: 'recovery/caseStore.ts findByKey', path: 'Stripe event', collection: 'recoveryCases', command: 'find', index: '_id_', scope: byAccount },
  { name: 'read a case by id', madeBy: 'recovery/caseStore.ts findById', path: 'merchant API', collection: 'recoveryCases', command: 'find', index: '_id_', scope: byAccount },
  { name: 'save a case if unchanged', madeBy: 'recovery/caseStore.ts replaceIfUnchanged', path: 'retry action', collection: 'recoveryCases', command: 'update', index: '_id_', scope: byAccount },
  { name: "a customer's active cases", madeBy: 'recovery/caseStore.ts listActive', path: 'Stripe event', collection: 'recoveryCases', command: 'find', index: 'stripeCustomerId_1_accountId_1', scope: byAccount },
  { name: "a subscription's active cases", madeBy: 'recovery/caseStore.ts listActive', path: 'Stripe event', collection: 'recoveryCases', command: 'find', index: 'subscriptionId_1_accountId_1_status_1', scope: byAccount },
  { name: "a customer's cases, newest first", madeBy: 'recovery/caseStore.ts listByCustomer', path: 'merchant API', collection: 'recoveryCases', command: 'find', index: 'stripeCustomerId_1_accountId_1', scope: byAccount },
  { name: 'a page of failed payments', madeBy: 'recovery/caseStore.ts listPage', path: 'merchant API', collection: 'recoveryCases', command: 'find', index: 'accountId_1_livemode_1_openedAt_-1__id_-1', scope: byAccount },
  { name: 'the case a Postmark record names', madeBy: 'recovery/caseStore.ts findBySentEmail', path: 'email', collection: 'recoveryCases', command: 'find', index: '_id_', scope: byAccount },
  { name: 'find due emails', madeBy: 'recovery/caseStore.ts findEmailDue', path: 'email', collection: 'recoveryCases', command: 'find', index: 'status_1_nextEmailAt_1', scope: crossAccountClaim },
  { name: "the customer's last dunning email", madeBy: 'recovery/caseStore.ts lastDunningEmailTo', path: 'email', collection: 'customerContacts', command: 'find', index: '_id_', scope: byAccountKey },
  { name: "note the customer's dunning email", madeBy: 'recovery/caseStore.ts noteDunningEmailTo', path: 'email', collection: 'customerContacts', command: 'update', index: '_id_', scope: byAccountKey },
  { name: 'find cases with outbox entries', madeBy: 'recovery/caseOutboxStore.ts claimSome', path: 'outbox relay', collection: 'recoveryCases', command: 'find', index: 'outboxDueAt_1_outboxLeaseUntil_1', scope: crossAccountClaim },
  { name: "take the relay's lease", madeBy: 'recovery/caseOutboxStore.ts claimSome', path: 'outbox relay', collection: 'workerLeases', command: 'update', index: '_id_', scope: { kind: 'cross-account', why: 'one lease document for the relay that serves every merchant, addressed by its fixed _id' } },
  { name: 'remove relayed outbox entries', madeBy: 'recovery/caseOutboxStore.ts removeRelayedBatch', path: 'outbox relay', collection: 'recoveryCases', command: 'update', index: '_id_', scope: byClaimedId('a case') },
  { name: "a card's attempts waiting in outboxes", madeBy: 'recovery/caseOutboxStore.ts pendingCardAttempts', path: 'retry action', collection: 'recoveryCases', command: 'find', index: 'outboxCardKeys_1_accountId_1', scope: byAccount },
  { name: 'another charge in flight on the card', madeBy: 'recovery/caseStore.ts otherChargeInFlight', path: 'retry action', collection: 'recoveryCases', command: 'find', index: 'chargingCardKey_1_accountId_1', scope: byAccount },
  { name: "a card's attempts in 30 days", madeBy: 'cardLedger/cardAttemptStore.ts recentFor', path: 'retry action', collection: 'cardAttempts', command: 'find', index: 'cardKey_1_accountId_1_at_-1', scope: byAccount },
  { name: 'claim a waiting Stripe event', madeBy: 'webhooks/stripeEventStore.ts claimBatch', path: 'Stripe event', collection: 'stripeEventInbox', command: 'find', index: 'leaseUntil_1', scope: crossAccountClaim },
  { name: 'did a webhook arrive during the batch', madeBy: 'webhooks/stripeEventStore.ts arrivedSince', path: 'Stripe event', collection: 'stripeEventInbox', command: 'find', index: 'leaseUntil_1', scope: { kind: 'cross-account', why: 'whether intake stored any event meanwhile, of any account: intake shares one database' } },
  {
    name: 'was this event handled before',
    madeBy: 'webhooks/stripeEventStore.ts recordedAmong',
    path: 'Stripe event',
    collection: 'stripeEvents',
    command: 'find',
    index: '_id_',
    scope: { kind: 'cross-account', why: "Stripe's event id is unique across accounts and is the record's _id" },
  },
  { name: 'take a handled event out of the inbox', madeBy: 'webhooks/stripeEventStore.ts finishAll', path: 'Stripe event', collection: 'stripeEventInbox', command: 'delete', index: '_id_', scope: byClaimedId('an event') },
  { name: 'was this invoice settled', madeBy: 'webhooks/stripeEventStore.ts settledAmong', path: 'Stripe event', collection: 'stripeSettlements', command: 'find', index: '_id_', scope: byAccountKey },
  { name: 'the account and its settings', madeBy: 'accounts/accountStore.ts find', path: 'retry action', collection: 'accounts', command: 'find', index: 'accountId_1_livemode_1', scope: byAccount },
  { name: "the account's running experiments", madeBy: 'experiments/experimentStore.ts listRunning', path: 'Stripe event', collection: 'experiments', command: 'find', index: 'accountId_1_livemode_1_createdAt_-1', scope: byAccount },
  { name: 'is this address suppressed', madeBy: 'dunning/suppressionStore.ts isSuppressed', path: 'email', collection: 'emailSuppressions', command: 'find', index: 'accountId_1_livemode_1_email_1', scope: byAccount },
  { name: 'rollup documents by key', madeBy: 'stats/rollupStore.ts readSince', path: 'merchant API', collection: 'recoveryRollups', command: 'find', index: '_id_', scope: byAccountKey },
  { name: "the account's webhook endpoints", madeBy: 'outbound/endpointStore.ts list', path: 'outbox relay', collection: 'webhookEndpoints', command: 'find', index: 'accountId_1_livemode_1_createdAt_1', scope: byAccount },
  { name: 'one delivery per event and endpoint', madeBy: 'outbound/deliveryStore.ts ensure', path: 'outbox relay', collection: 'webhookDeliveries', command: 'update', index: 'endpointId_1_eventId_1', scope: byAccount },
  { name: 'find due deliveries', madeBy: 'outbound/deliveryStore.ts claimDue', path: 'outbound delivery', collection: 'webhookDeliveries', command: 'find', index: 'status_1_nextAttemptAt_1', scope: crossAccountClaim },
  { name: 'record a delivery attempt', madeBy: 'outbound/deliveryStore.ts recordAttempt', path: 'outbound delivery', collection: 'webhookDeliveries', command: 'update', index: '_id_', scope: byClaimedId('a delivery') },
  { name: 'count a request in its window', madeBy: 'rateLimits/rateLimitStore.ts hit', path: 'merchant API', collection: 'rateLimitWindows', command: 'findAndModify', index: 'key_1_windowStartsAt_1', scope: { kind: 'cross-account', why: 'limits are per client (IP address or API key), which may not name an account yet' } },
  { name: 'the API key presented', madeBy: 'api/apiKeyStore.ts authenticate', path: 'merchant API', collection: 'apiKeys', command: 'find', index: 'hash_1', scope: { kind: 'cross-account', why: 'the key is what tells which account is calling' } },
  { name: 'take over an idempotency key', madeBy: 'api/idempotencyStore.ts begin', path: 'merchant API', collection: 'idempotencyKeys', command: 'findAndModify', index: 'accountId_1_livemode_1_key_1', scope: byAccount },
];

/** A shard key, as `sh.shardCollection` takes it, or none: the collection stays on the primary shard. */
export type ShardKey = Record<string, 1 | 'hashed'> | 'unsharded';

/**
 * The shard key proposed for each collection a hot query reads, and why. A
 * unique index must have the shard key as its prefix to stay enforceable, so
 * where the account's own unique key exists, it is the shard key.
 */
export const SHARD_KEYS: Record<string, { key: ShardKey; why: string }> = {
  recoveryCases: { key: { accountId: 1, caseKey: 1 }, why: "the unique (accountId, caseKey) index; a case's _id is derived from both, so reads and saves by accountId and _id reach the account's range" },
  customerContacts: { key: { _id: 1 }, why: 'the _id starts with the account id, so ranges keep an account together' },
  cardAttempts: { key: { accountId: 1, attemptKey: 1 }, why: "the unique (accountId, attemptKey) index; the ledger's reads name the account" },
  stripeEventInbox: { key: 'unsharded', why: 'holds only events still waiting (seconds of traffic); claims take any of them' },
  stripeEvents: { key: { _id: 'hashed' }, why: "looked up by Stripe's globally unique event id alone; hashing spreads the inserts" },
  stripeSettlements: { key: { _id: 1 }, why: 'the _id starts with the account id' },
  accounts: { key: 'unsharded', why: 'one small document per account and mode' },
  experiments: { key: 'unsharded', why: 'a handful per account' },
  emailSuppressions: { key: { accountId: 1, livemode: 1, email: 1 }, why: 'the unique index; read per account, mode and address' },
  recoveryRollups: { key: { _id: 1 }, why: 'the _id starts with the account id' },
  webhookEndpoints: { key: 'unsharded', why: 'a few per account' },
  webhookDeliveries: { key: { endpointId: 1, eventId: 1 }, why: "the unique (endpointId, eventId) index; an endpoint belongs to one account, and lists name it" },
  rateLimitWindows: { key: 'unsharded', why: 'windows live a minute and are deleted by the worker' },
  workerLeases: { key: 'unsharded', why: 'one lease document per kind of singleton work (the outbox relay)' },
  apiKeys: { key: 'unsharded', why: 'a few per account, read by hash' },
  idempotencyKeys: { key: { accountId: 1, livemode: 1, key: 1 }, why: 'the unique index' },
};
