import type { Connection } from 'mongoose';
import { connectDatabase } from '../../backend/src/database';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The backend relies on MongoDB's single-document atomicity: leases, revision
 * checks and counters. FerretDB 1.x alone loses concurrent updates; the dev
 * launcher's relay restores the guarantee. These tests hold it in place, over
 * several connections as separate processes would use.
 */
const db = useTestDatabase();
let others: Connection[] = [];

beforeAll(async () => {
  others = await Promise.all([1, 2, 3].map(() => connectDatabase(db.uri, { dbName: db.dbName })));
});
afterAll(async () => {
  await Promise.all(others.map((connection) => connection.close()));
});

const collections = () => [db.connection, ...others].map((connection) => connection.collection('atomicity'));

beforeEach(async () => {
  await db.connection.collection('atomicity').deleteMany({});
});

it('applies every one of 40 concurrent increments on one document', async () => {
  await db.connection.collection('atomicity').insertOne({ key: 'counter', count: 0 });
  const all = collections();
  await Promise.all(Array.from({ length: 40 }, (_, i) => all[i % all.length]!.updateOne({ key: 'counter' }, { $inc: { count: 1 } })));
  expect((await db.connection.collection('atomicity').findOne({ key: 'counter' }))!.count).toBe(40);
});

it('lets exactly one of 40 concurrent compare-and-set updates win', async () => {
  await db.connection.collection('atomicity').insertOne({ key: 'case', revision: 0 });
  const all = collections();
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => all[i % all.length]!.updateOne({ key: 'case', revision: 0 }, { $set: { revision: 1, writer: i } })),
  );
  expect(results.filter((result) => result.modifiedCount === 1)).toHaveLength(1);
});

it('gives a lease to exactly one of 40 concurrent claims', async () => {
  await db.connection.collection('atomicity').insertOne({ key: 'lease', owner: null });
  const all = collections();
  const claims = await Promise.all(
    Array.from({ length: 40 }, (_, i) => all[i % all.length]!.findOneAndUpdate({ key: 'lease', owner: null }, { $set: { owner: `worker-${i}` } })),
  );
  expect(claims.filter((claimed) => claimed !== null)).toHaveLength(1);
});

it('keeps every increment on one document while other collections are written at the same time', async () => {
  // Writes to different collections run side by side on the dev database; those to one collection still take turns.
  await db.connection.collection('atomicity').insertOne({ key: 'counter', count: 0 });
  await db.connection.collection('atomicityOther').deleteMany({});
  const all = collections();
  const otherCollections = [db.connection, ...others].map((connection) => connection.collection('atomicityOther'));
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      Promise.all([
        all[i % all.length]!.updateOne({ key: 'counter' }, { $inc: { count: 1 } }),
        otherCollections[i % otherCollections.length]!.insertOne({ key: `other-${i}` }),
        otherCollections[(i + 1) % otherCollections.length]!.updateMany({}, { $inc: { seen: 1 } }),
      ]),
    ),
  );
  expect((await db.connection.collection('atomicity').findOne({ key: 'counter' }))!.count).toBe(40);
  const other = await db.connection.collection('atomicityOther').find().toArray();
  expect(other).toHaveLength(40);
});
