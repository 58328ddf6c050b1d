import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose, { Types, type Connection } from 'mongoose';
import type { CommandStartedEvent, Document } from 'mongodb';
import { createAccountStore } from '../../backend/src/accounts/accountStore';
import { createApiKeyStore } from '../../backend/src/api/apiKeyStore';
import { createIdempotencyStore } from '../../backend/src/api/idempotencyStore';
import { createCardAttemptStore } from '../../backend/src/cardLedger/cardAttemptStore';
import { ensureIndexes } from '../../backend/src/container';
import { createSuppressionStore } from '../../backend/src/dunning/suppressionStore';
import { createExperimentStore } from '../../backend/src/experiments/experimentStore';
import { createDeliveryStore } from '../../backend/src/outbound/deliveryStore';
import { createEndpointStore } from '../../backend/src/outbound/endpointStore';
import { createRateLimitStore } from '../../backend/src/rateLimits/rateLimitStore';
import { createCaseOutboxStore } from '../../backend/src/recovery/caseOutboxStore';
import { createCaseStore } from '../../backend/src/recovery/caseStore';
import type { RecoveryCase } from '../../backend/src/recovery/recoveryCase';
import { createRollupStore } from '../../backend/src/stats/rollupStore';
import { createStripeEventStore } from '../../backend/src/webhooks/stripeEventStore';
import type { StoredStripeEvent } from '../../backend/src/webhooks/storedStripeEvent';
import { testDatabaseUri } from '../support/testDatabase';
import { HOT_QUERIES, SHARD_KEYS, type HotQuery, type ShardKey } from './hotQueries';

/**
 * Every hot query (hotQueries.ts) made by its real store method, captured off
 * the wire, then held to three things: it names the account (or is listed as
 * cross-account, with the reason), the index meant for it exists and fits its
 * filter, and the server's explain output agrees. MongoDB reports the index
 * its winning plan uses. FerretDB 1.24 with SQLite reports SQLite's plan, and
 * only a filter that is exactly `{_id: …}` is planned through an index there;
 * everything else is reported as a table scan (its secondary indexes are
 * built on expressions its queries never name, so SQLite never picks them;
 * see docs/capacity.md). Those are asserted as they are.
 */
const ACCOUNT = 'acct_hot_queries';
const NOW = new Date('2026-06-01T09:00:00Z');
const dbName = `test_${randomBytes(6).toString('hex')}`;
let connection: Connection;
const commands: CommandStartedEvent[] = [];

type Stores = ReturnType<typeof storesOf>;
function storesOf(db: Connection) {
  return {
    cases: createCaseStore(db),
    outbox: createCaseOutboxStore(db),
    attempts: createCardAttemptStore(db),
    events: createStripeEventStore(db),
    accounts: createAccountStore(db),
    experiments: createExperimentStore(db),
    suppressions: createSuppressionStore(db),
    rollups: createRollupStore(db),
    endpoints: createEndpointStore(db),
    deliveries: createDeliveryStore(db),
    rateLimits: createRateLimitStore(db),
    apiKeys: createApiKeyStore(db),
    idempotency: createIdempotencyStore(db),
  };
}

const someCaseId = '64b7f0c2a1b2c3d4e5f60718';
const idempotencyScope = { accountId: ACCOUNT, livemode: true, key: 'order-7' };

/** How each hot query is made: the store call that sends it (with what it needs to get that far). */
const RUNS: Record<string, (stores: Stores) => Promise<unknown>> = {
  'find due retry actions': (s) => s.cases.findDue(NOW, 20),
  'read a case by its key': (s) => s.cases.findByKey(ACCOUNT, true, 'invoice:in_1'),
  'read a case by id': (s) => s.cases.findById(ACCOUNT, true, someCaseId),
  'save a case if unchanged': (s) => s.cases.replaceIfUnchanged({ id: someCaseId, revision: 3, accountId: ACCOUNT, livemode: true, status: 'active' } as RecoveryCase),
  "a customer's active cases": (s) => s.cases.listActive(ACCOUNT, true, { stripeCustomerId: 'cus_1' }),
  "a subscription's active cases": (s) => s.cases.listActive(ACCOUNT, true, { subscriptionId: 'sub_1' }),
  "a customer's cases, newest first": (s) => s.cases.listByCustomer(ACCOUNT, true, 'cus_1', 10),
  'a page of failed payments': (s) => s.cases.listPage(ACCOUNT, true, {}, 21, null),
  'the case a Postmark record names': (s) => s.cases.findBySentEmail(ACCOUNT, someCaseId, 'pm-message-1'),
  'find due emails': (s) => s.cases.findEmailDue(NOW, 20),
  "the customer's last dunning email": (s) => s.cases.lastDunningEmailTo(ACCOUNT, 'cus_1'),
  "note the customer's dunning email": (s) => s.cases.noteDunningEmailTo(ACCOUNT, 'cus_1', NOW),
  'find cases with outbox entries': (s) => s.outbox.claimSome('relay-1', NOW, 60_000, 20),
  // A case with entries waiting, so the claim goes on to take the relay's lease.
  "take the relay's lease": async (s) => {
    await connection.collection('recoveryCases').insertOne({ _id: new Types.ObjectId(), accountId: ACCOUNT, livemode: true, status: 'active', outbox: [], outboxDueAt: new Date(0), outboxLeaseUntil: new Date(0) });
    return s.outbox.claimSome('relay-1', NOW, 60_000, 20);
  },
  "a card's attempts waiting in outboxes": (s) => s.outbox.pendingCardAttempts(ACCOUNT, 'fp:card_1'),
  'remove relayed outbox entries': (s) => s.outbox.removeRelayedBatch([{ caseId: someCaseId, accountId: ACCOUNT, livemode: true, entries: [] }]),
  'another charge in flight on the card': (s) => s.cases.otherChargeInFlight(ACCOUNT, 'fp:card_1', someCaseId),
  "a card's attempts in 30 days": (s) => s.attempts.recentFor(ACCOUNT, 'fp:abc', NOW),
  'claim a waiting Stripe event': (s) => s.events.claimBatch('worker-1', NOW, 30_000, 16),
  'did a webhook arrive during the batch': (s) => s.events.arrivedSince(new Date(NOW.getTime() - 1_000), NOW),
  'was this event handled before': (s) => s.events.recordedAmong(['evt_1']),
  'take a handled event out of the inbox': (s) => s.events.finishAll([], [{ eventId: 'evt_1', leaseOwner: 'worker-1' } as StoredStripeEvent]),
  'was this invoice settled': (s) => s.events.settledAmong([{ accountId: ACCOUNT, objectId: 'in_1' }, { accountId: ACCOUNT, objectId: 'in_2' }]),
  'the account and its settings': (s) => s.accounts.find(ACCOUNT, true),
  "the account's running experiments": (s) => s.experiments.listRunning(ACCOUNT, true),
  'is this address suppressed': (s) => s.suppressions.isSuppressed(ACCOUNT, true, 'jo@example.com'),
  'rollup documents by key': (s) => s.rollups.readSince(ACCOUNT, true, '2026-06-01', '2026-06-01'),
  "the account's webhook endpoints": (s) => s.endpoints.list(ACCOUNT, true),
  'one delivery per event and endpoint': (s) =>
    s.deliveries.ensure({ accountId: ACCOUNT, livemode: true, endpointId: 'we_1', eventId: 'evt_out_1', eventType: 'recovery.case_opened', nextAttemptAt: NOW, createdAt: NOW }),
  'find due deliveries': (s) => s.deliveries.claimDue('worker-1', NOW, 60_000, 20),
  'record a delivery attempt': (s) =>
    s.deliveries.recordAttempt('whd_1', 'worker-1:lease', { attempt: { at: NOW, statusCode: 200, latencyMs: 5, error: null }, status: 'succeeded', nextAttemptAt: null, windowStartedAt: NOW }),
  'count a request in its window': (s) => s.rateLimits.hit('card-update:127.0.0.1', 30, 60_000, NOW),
  'the API key presented': (s) => s.apiKeys.authenticate('rk_recovery_not_a_real_key', NOW),
  // The second request under the key finds the first one's marker and tries to take it over.
  'take over an idempotency key': async (s) => {
    await s.idempotency.begin(idempotencyScope, 'POST /api/x {}', NOW);
    return s.idempotency.begin(idempotencyScope, 'POST /api/x {}', NOW);
  },
};

beforeAll(async () => {
  connection = mongoose.createConnection(testDatabaseUri(), { dbName, monitorCommands: true, bufferCommands: false, autoIndex: true });
  await connection.asPromise();
  storesOf(connection); // registers every model, so ensureIndexes builds their indexes
  await ensureIndexes(connection);
  connection.getClient().on('commandStarted', (event) => commands.push(event));
});

afterAll(async () => {
  await connection.dropDatabase().catch(() => undefined);
  await connection.close();
});

interface SentQuery {
  filter: Document;
  sort?: Document;
}

/** Runs the query's store call and returns the first command of the query's kind sent to its collection. */
async function send(query: HotQuery): Promise<SentQuery> {
  commands.length = 0;
  await RUNS[query.name]!(storesOf(connection));
  const sent = commands.find((event) => event.commandName === query.command && event.command[query.command] === query.collection);
  if (!sent) throw new Error(`${query.madeBy} sent no ${query.command} to ${query.collection}: ${commands.map((event) => event.commandName).join(', ')}`);
  const command = sent.command;
  switch (query.command) {
    case 'find':
      return { filter: command.filter as Document, ...(command.sort ? { sort: command.sort as Document } : {}) };
    case 'findAndModify':
      return { filter: command.query as Document, ...(command.sort ? { sort: command.sort as Document } : {}) };
    case 'update':
      return { filter: (command.updates as Array<{ q: Document }>)[0]!.q };
    case 'delete':
      return { filter: (command.deletes as Array<{ q: Document }>)[0]!.q };
  }
}

/** The fields a filter constrains: top level, and in every branch of a top-level $or. */
function constrainedFields(filter: Document): Set<string> {
  const fields = new Set(Object.keys(filter).filter((key) => !key.startsWith('$')));
  const branches = (filter.$or as Document[] | undefined) ?? [];
  if (branches.length > 0) {
    const inEvery = branches.map((branch) => new Set(Object.keys(branch))).reduce((common, next) => new Set([...common].filter((field) => next.has(field))));
    for (const field of inEvery) fields.add(field);
  }
  return fields;
}

/** The index names (and _id fast paths) a MongoDB winning plan uses, and whether it scans the collection. */
function mongoPlanUses(plan: Document): { indexes: string[]; collectionScan: boolean } {
  const indexes: string[] = [];
  let collectionScan = false;
  const visit = (stage: unknown): void => {
    if (!stage || typeof stage !== 'object') return;
    const node = stage as Document;
    if (node.stage === 'COLLSCAN') collectionScan = true;
    if (node.stage === 'IDHACK' || node.stage === 'EXPRESS_IXSCAN' && node.keyPattern?._id) indexes.push('_id_');
    if (typeof node.indexName === 'string') indexes.push(node.indexName);
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') visit(value);
    }
  };
  visit(plan);
  return { indexes, collectionScan };
}

describe.each(HOT_QUERIES.map((query) => [query.name, query] as const))('hot query: %s', (_name, query) => {
  let sent: SentQuery;
  beforeAll(async () => {
    sent = await send(query);
  });

  if (query.scope.kind === 'accountId') {
    it('names the account in its filter', () => {
      expect(sent.filter.accountId).toBe(ACCOUNT);
    });
  } else if (query.scope.kind === 'accountId prefix of _id') {
    it("names the account as the prefix of the document's _id (of each, for an _id list)", () => {
      const ids = (sent.filter._id as { $in?: unknown[] } | undefined)?.$in ?? [sent.filter._id];
      for (const id of ids) expect(String(id)).toMatch(new RegExp(`^${ACCOUNT}\\|`));
    });
  } else {
    it('is listed as cross-account because it names no account', () => {
      expect(sent.filter).not.toHaveProperty('accountId');
    });
  }

  it('has its index, led by a field the filter constrains', async () => {
    const indexes = await connection.collection(query.collection).indexes();
    const index = indexes.find((found) => found.name === query.index);
    expect(index).toBeDefined();
    const leading = Object.keys(index!.key)[0]!;
    expect([...constrainedFields(sent.filter)]).toContain(leading);
  });

  it("is planned as the server reports it: MongoDB's winning plan uses the index; FerretDB plans only a lone _id through one", async () => {
    const explained = await connection.db!.command({ explain: { find: query.collection, filter: sent.filter, ...(sent.sort ? { sort: sent.sort } : {}) }, verbosity: 'queryPlanner' });
    const planner = explained.queryPlanner as Document;
    if (planner.winningPlan) {
      const uses = mongoPlanUses(planner.winningPlan as Document);
      expect(uses.indexes).toContain(query.index);
      expect(uses.collectionScan).toBe(false);
      return;
    }
    const steps = (planner.Plan as string[]).join('\n');
    const loneId = Object.keys(sent.filter).length === 1 && sent.filter._id !== undefined && typeof sent.filter._id !== 'object';
    const loneObjectId = Object.keys(sent.filter).length === 1 && sent.filter._id instanceof Types.ObjectId;
    if (loneId || loneObjectId) {
      expect(explained.filterPushdown).toBe(true);
      expect(steps).toMatch(/SEARCH \S+ USING INDEX/);
    } else {
      expect(explained.filterPushdown).toBe(false);
      expect(steps).toMatch(/SCAN \S+$/m);
    }
  });
});

it('runs every hot query of the table, and no other', () => {
  expect(Object.keys(RUNS).sort()).toEqual(HOT_QUERIES.map((query) => query.name).sort());
});

it('proposes a shard key for every collection a hot query reads', () => {
  expect([...new Set(HOT_QUERIES.map((query) => query.collection))].filter((collection) => !SHARD_KEYS[collection])).toEqual([]);
});


it('proposes shard keys that every unique index of the collection starts with, so uniqueness still holds when sharded', async () => {
  const broken: string[] = [];
  for (const [collection, { key }] of Object.entries(SHARD_KEYS)) {
    if (key === 'unsharded') continue;
    const shardFields = Object.keys(key);
    for (const index of await connection.collection(collection).indexes()) {
      if (!index.unique || index.name === '_id_') continue;
      if (Object.keys(index.key).slice(0, shardFields.length).join() !== shardFields.join()) broken.push(`${collection}.${index.name}`);
    }
  }
  expect(broken).toEqual([]);
});

it('is the table docs/capacity.md shows: every hot query with its index, every shard key', () => {
  const doc = readFileSync(path.resolve(__dirname, '../../docs/capacity.md'), 'utf8');
  const rows = doc.split('\n');
  const missing = HOT_QUERIES.filter((query) => !rows.some((row) => row.startsWith(`| ${query.name} |`) && row.includes(`\`${query.index}\``))).map((query) => query.name);
  const shown = (key: ShardKey) => (key === 'unsharded' ? 'unsharded' : `\`{ ${Object.entries(key).map(([field, kind]) => `${field}: ${kind === 'hashed' ? '"hashed"' : kind}`).join(', ')} }\``);
  const unshown = Object.entries(SHARD_KEYS).filter(([collection, { key }]) => !rows.some((row) => row.startsWith('| ') && row.includes(collection) && row.includes(shown(key)))).map(([collection]) => collection);
  expect({ missing, unshown }).toEqual({ missing: [], unshown: [] });
});
