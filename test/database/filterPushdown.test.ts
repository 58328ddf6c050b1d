import { Types } from 'mongoose';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The dev database checks simple filter conditions inside SQLite instead of
 * decoding every document (devservices/ferretdb/patches). That shortcut may
 * only ever select too much, never too little: these filters must find
 * exactly the documents MongoDB finds, including its less obvious rules
 * (a scalar condition matches inside arrays, null matches a missing field,
 * a date range never matches a number).
 */
const db = useTestDatabase();

const early = new Date('2026-05-01T00:00:00Z');
const middle = new Date('2026-06-01T00:00:00Z');
const late = new Date('2026-07-01T00:00:00Z');
const someId = new Types.ObjectId('64b7f0c2a1b2c3d4e5f60718');

const documents = [
  { _id: 'plain', status: 'active', dueAt: middle, count: 1, paused: false, ownerId: someId },
  { _id: 'in-array', status: ['active', 'other'], dueAt: [early, late] },
  { _id: 'null', status: null, dueAt: null },
  { _id: 'missing' },
  { _id: 'closed', status: 'closed', dueAt: late, count: 2.0, paused: true },
  { _id: 'number-not-date', status: 'active', dueAt: middle.getTime(), count: 1.0 },
  { _id: 'nested', status: { state: 'active' }, dueAt: { at: early } },
  { _id: 'empty-array', status: [] },
  { _id: 'escaped', label: 'caf\u00e9 "quoted"' },
  { _id: 'escaped-in-array', label: ['x', 'caf\u00e9 "quoted"'] },
];

beforeAll(async () => {
  await db.connection.collection('pushdown').insertMany(documents as never[]);
});

const idsFound = async (filter: Record<string, unknown>) =>
  (await db.connection.collection('pushdown').find(filter, { projection: { _id: 1 } }).toArray()).map((found) => String(found._id)).sort();

it.each([
  ['a string, also inside arrays', { status: 'active' }, ['in-array', 'number-not-date', 'plain']],
  ['a string only inside the arrays that hold it', { status: 'other' }, ['in-array']],
  ['a string no value or array holds', { status: 'nowhere' }, []],
  ['a string JSON writes with escapes, also inside arrays', { label: 'caf\u00e9 "quoted"' }, ['escaped', 'escaped-in-array']],
  ['an _id $in list, ids it does not hold left out', { _id: { $in: ['plain', 'closed', 'absent'] } }, ['closed', 'plain']],
  ['an _id $in list with ObjectIds and strings', { _id: { $in: [someId, 'null'] } }, ['null']],
  ['an _id $in list together with another condition', { _id: { $in: ['plain', 'closed'] }, status: 'closed' }, ['closed']],
  ['$eq like plain equality', { status: { $eq: 'closed' } }, ['closed']],
  ['null, which also matches a missing field', { status: null }, ['escaped', 'escaped-in-array', 'missing', 'null']],
  ['a date range, never a number with the same value', { dueAt: { $lte: middle } }, ['in-array', 'plain']],
  // MongoDB lets each bound be met by a different element of an array.
  ['a date range on both sides', { dueAt: { $gt: early, $lt: late } }, ['in-array', 'plain']],
  ['an exact date', { dueAt: middle }, ['plain']],
  ['a number, whatever its stored type', { count: 1 }, ['number-not-date', 'plain']],
  ['a boolean', { paused: false }, ['plain']],
  ['an ObjectId', { ownerId: someId }, ['plain']],
  ['an _id together with another condition', { _id: 'plain', status: 'active' }, ['plain']],
  ['an _id whose other condition fails', { _id: 'plain', status: 'closed' }, []],
  ['$or of conditions', { $or: [{ status: 'closed' }, { dueAt: { $lte: early } }] }, ['closed', 'in-array']],
  ['$or with a branch it cannot check itself', { $or: [{ status: 'closed' }, { 'dueAt.at': early }] }, ['closed', 'nested']],
  ['$and of conditions', { $and: [{ status: 'active' }, { count: 1 }] }, ['number-not-date', 'plain']],
  ['an _id excluded next to another condition, the rest still found', { status: 'active', _id: { $ne: 'plain' } }, ['in-array', 'number-not-date']],
  ['an ObjectId _id excluded, which no string _id equals', { status: 'active', _id: { $ne: someId } }, ['in-array', 'number-not-date', 'plain']],
  ['an _id excluded that no document has', { status: 'closed', _id: { $ne: 'absent' } }, ['closed']],
  ['conditions next to operators it leaves to the server', { status: 'active', count: { $in: [1] }, paused: { $ne: true } }, ['number-not-date', 'plain']],
])('finds what MongoDB finds for %s', async (_name, filter, expected) => {
  expect(await idsFound(filter)).toEqual(expected);
});

it('applies the same rules to updates and counts', async () => {
  const collection = db.connection.collection('pushdown');
  expect(await collection.countDocuments({ status: 'active', dueAt: { $lte: late } })).toBe(2);
  const updated = await collection.updateMany({ dueAt: { $lte: middle } }, { $set: { touched: true } });
  expect(updated.modifiedCount).toBe(2);
  expect(await idsFound({ touched: true })).toEqual(['in-array', 'plain']);
});

/** Documents for paths into embedded documents ({'card.paymentMethodId': …}), which MongoDB follows through arrays. */
const embedded = [
  { _id: 'in-document', card: { paymentMethodId: 'pm_1' } },
  { _id: 'other-value', card: { paymentMethodId: 'pm_2' } },
  { _id: 'in-array-of-documents', card: [{ paymentMethodId: 'pm_0' }, { paymentMethodId: 'pm_1' }] },
  { _id: 'value-array', card: { paymentMethodId: ['pm_9', 'pm_1'] } },
  { _id: 'parent-is-the-string', card: 'pm_1' },
  { _id: 'no-card' },
  { _id: 'deep-through-array', target: { steps: [{ kind: 'email' }, { kind: 'retry' }] } },
  { _id: 'deep-in-documents', target: { steps: { kind: 'retry' } } },
  { _id: 'escaped-in-document', card: { paymentMethodId: 'caf\u00e9 "quoted"' } },
  { _id: 'reminder-early', plan: { remindAt: early, tries: 1, stopped: false } },
  { _id: 'reminder-late', plan: { remindAt: late, tries: 2, stopped: true } },
  { _id: 'reminders-in-array', plan: [{ remindAt: late }, { remindAt: early }] },
  { _id: 'reminder-as-number', plan: { remindAt: early.getTime() } },
  { _id: 'plan-without-reminder', plan: { tries: 1, stopped: null } },
];

it.each([
  ['a string in an embedded document, through arrays of documents and of values', { 'card.paymentMethodId': 'pm_1' }, ['in-array-of-documents', 'in-document', 'value-array']],
  ['a string no embedded document holds', { 'card.paymentMethodId': 'pm_7' }, []],
  ['a string three levels down, through an array on the way', { 'target.steps.kind': 'retry' }, ['deep-in-documents', 'deep-through-array']],
  ['a path next to a top-level condition', { 'card.paymentMethodId': 'pm_1', _id: { $in: ['in-document', 'value-array', 'no-card'] } }, ['in-document', 'value-array']],
  ['a path to a string JSON writes with escapes (left to the server)', { 'card.paymentMethodId': 'caf\u00e9 "quoted"' }, ['escaped-in-document']],
  ['$or of paths', { $or: [{ 'card.paymentMethodId': 'pm_2' }, { 'target.steps.kind': 'email' }] }, ['deep-through-array', 'other-value']],
  ['a date range on a path, through an array of documents, never a number', { 'plan.remindAt': { $lte: middle } }, ['reminder-early', 'reminders-in-array']],
  ['a number on a path', { 'plan.tries': 2 }, ['reminder-late']],
  ['a boolean on a path', { 'plan.stopped': true }, ['reminder-late']],
  // MongoDB: null on a path also matches where the path, or its parent, is missing.
  ['null on a path', { 'plan.stopped': null, _id: { $in: ['plan-without-reminder', 'reminder-early', 'no-card', 'reminders-in-array'] } }, ['no-card', 'plan-without-reminder', 'reminders-in-array']],
])('finds what MongoDB finds for %s', async (_name, filter, expected) => {
  const collection = db.connection.collection('pushdownPaths');
  if ((await collection.countDocuments({})) === 0) await collection.insertMany(embedded as never[]);
  const found = (await collection.find(filter as Record<string, unknown>, { projection: { _id: 1 } }).toArray()).map((doc) => String(doc._id)).sort();
  expect(found).toEqual(expected);
});

/**
 * Lookups with several equalities on a collection with indexes, such as a card's ledger ({cardKey, accountId}).
 * The dev database reads them through one index, led by the first of the filter's fields that leads one, and
 * checks the other equalities on what it finds: still exactly MongoDB's answers, arrays on either field included.
 */
const ledger = [
  { _id: 'both', cardKey: 'fp:1', accountId: 'acct_a', attemptKey: 'e1', at: middle },
  { _id: 'other-account', cardKey: 'fp:1', accountId: 'acct_b', attemptKey: 'e2', at: middle },
  { _id: 'other-card', cardKey: 'fp:2', accountId: 'acct_a', attemptKey: 'e3', at: middle },
  { _id: 'card-in-array', cardKey: ['fp:0', 'fp:1'], accountId: 'acct_a', attemptKey: 'e4', at: late },
  { _id: 'account-in-array', cardKey: 'fp:1', accountId: ['acct_b', 'acct_a'], attemptKey: 'e5', at: early },
  { _id: 'too-early', cardKey: 'fp:1', accountId: 'acct_a', attemptKey: 'e6', at: early },
  { _id: 'fingerprint', card: { fingerprint: 'f_1' }, accountId: 'acct_a', attemptKey: 'e7' },
  { _id: 'fingerprint-in-array', card: [{ fingerprint: 'f_0' }, { fingerprint: 'f_1' }], accountId: 'acct_a', attemptKey: 'e8' },
  { _id: 'fingerprint-other-account', card: { fingerprint: 'f_1' }, accountId: 'acct_b', attemptKey: 'e9' },
];

it.each([
  ['the card first, then the account', { cardKey: 'fp:1', accountId: 'acct_a' }, ['account-in-array', 'both', 'card-in-array', 'too-early']],
  ['the account first, then the card', { accountId: 'acct_a', cardKey: 'fp:1' }, ['account-in-array', 'both', 'card-in-array', 'too-early']],
  ['the card, the account and a date range', { cardKey: 'fp:1', accountId: 'acct_a', at: { $gte: middle } }, ['both', 'card-in-array']],
  ['a path first, then the account', { 'card.fingerprint': 'f_1', accountId: 'acct_a' }, ['fingerprint', 'fingerprint-in-array']],
  ['an equality on a field no index leads, then one that leads', { attemptKey: 'e5', cardKey: 'fp:1' }, ['account-in-array']],
  ['an _id next to equalities that lead indexes', { _id: 'both', cardKey: 'fp:1', accountId: 'acct_a' }, ['both']],
  ['$or of lookups, each by its own index', { $or: [{ cardKey: 'fp:2', accountId: 'acct_a' }, { 'card.fingerprint': 'f_1', accountId: 'acct_b' }] }, ['fingerprint-other-account', 'other-card']],
])('finds what MongoDB finds for a lookup by %s', async (_name, filter, expected) => {
  const collection = db.connection.collection('pushdownLookups');
  if ((await collection.countDocuments({})) === 0) {
    await collection.createIndex({ accountId: 1, attemptKey: 1 });
    await collection.createIndex({ cardKey: 1, accountId: 1, at: -1 });
    await collection.createIndex({ 'card.fingerprint': 1, accountId: 1 });
    await collection.insertMany(ledger as never[]);
  }
  const found = (await collection.find(filter as Record<string, unknown>, { projection: { _id: 1 } }).toArray()).map((doc) => String(doc._id)).sort();
  expect(found).toEqual(expected);
});

/**
 * Date ranges on a field an index can range over ({status, dueAt} after the status lookup, or {leaseUntil}
 * leading its own index): the dev database reads them from the index's entries, where a date is its
 * milliseconds as JSON text. Text order is not number order, so dates of every length and sign are here,
 * with the values MongoDB never matches against a date.
 */
const epoch = new Date(0);
const before2001 = new Date('1995-03-01T00:00:00Z'); // 12 digits of milliseconds
const before1970 = new Date('1960-01-01T00:00:00Z'); // negative
const due = [
  { _id: 'due-2026', status: 'active', dueAt: middle, leaseUntil: middle },
  { _id: 'due-later', status: 'active', dueAt: late, leaseUntil: late },
  { _id: 'epoch', status: 'active', dueAt: epoch, leaseUntil: epoch },
  { _id: 'in-1995', status: 'active', dueAt: before2001, leaseUntil: before2001 },
  { _id: 'in-1960', status: 'active', dueAt: before1970, leaseUntil: before1970 },
  { _id: 'dates-in-array', status: 'active', dueAt: [late, early], leaseUntil: [late, early] },
  { _id: 'a-number', status: 'active', dueAt: early.getTime(), leaseUntil: early.getTime() },
  { _id: 'a-string', status: 'active', dueAt: '2026-05-01', leaseUntil: '2026-05-01' },
  { _id: 'null', status: 'active', dueAt: null, leaseUntil: null },
  { _id: 'missing', status: 'active' },
  { _id: 'an-object', status: 'active', dueAt: { at: early }, leaseUntil: { at: early } },
  { _id: 'a-boolean', status: 'active', dueAt: true, leaseUntil: true },
  { _id: 'closed', status: 'closed', dueAt: early, leaseUntil: early },
  { _id: 'status-in-array', status: ['closed', 'active'], dueAt: early, leaseUntil: early },
];

it.each([
  ['up to a date, after the lookup', { status: 'active', dueAt: { $lte: middle } }, ['dates-in-array', 'due-2026', 'epoch', 'in-1960', 'in-1995', 'status-in-array']],
  ['after a date, after the lookup', { status: 'active', dueAt: { $gt: middle } }, ['dates-in-array', 'due-later']],
  ['between two dates, after the lookup', { status: 'active', dueAt: { $gte: before2001, $lt: late } }, ['dates-in-array', 'due-2026', 'in-1995', 'status-in-array']],
  ['after a date before 1970', { status: 'active', dueAt: { $gt: before1970 } }, ['dates-in-array', 'due-2026', 'due-later', 'epoch', 'in-1995', 'status-in-array']],
  ['before 1970', { status: 'active', dueAt: { $lt: epoch } }, ['in-1960']],
  ['up to a date, on a leading field', { leaseUntil: { $lte: middle } }, ['closed', 'dates-in-array', 'due-2026', 'epoch', 'in-1960', 'in-1995', 'status-in-array']],
  ['after a date, on a leading field', { leaseUntil: { $gte: late } }, ['dates-in-array', 'due-later']],
  ['up to a date next to other conditions', { status: 'active', dueAt: { $lte: middle }, leaseUntil: { $gte: before2001 } }, ['dates-in-array', 'due-2026', 'in-1995', 'status-in-array']],
  ['a range next to an operator it leaves to the server', { status: 'active', dueAt: { $lte: middle, $ne: epoch } }, ['dates-in-array', 'due-2026', 'in-1960', 'in-1995', 'status-in-array']],
  ['a lookup whose field is an array, with a range after it', { status: 'closed', dueAt: { $gte: early } }, ['closed', 'status-in-array']],
  ['$or of ranges, each after its own lookup', { $or: [{ status: 'active', dueAt: { $lt: epoch } }, { status: 'closed', dueAt: { $lte: middle } }] }, ['closed', 'in-1960', 'status-in-array']],
])('finds what MongoDB finds for a date range %s', async (_name, filter, expected) => {
  const collection = db.connection.collection('pushdownDueWork');
  if ((await collection.countDocuments({})) === 0) {
    await collection.createIndex({ status: 1, dueAt: 1 });
    await collection.createIndex({ leaseUntil: 1 });
    await collection.insertMany(due as never[]);
  }
  const found = (await collection.find(filter as Record<string, unknown>, { projection: { _id: 1 } }).toArray()).map((doc) => String(doc._id)).sort();
  expect(found).toEqual(expected);
});
