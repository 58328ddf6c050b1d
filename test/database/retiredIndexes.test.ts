import { ensureIndexes } from '../../backend/src/container';
import { RETIRED_INDEXES } from '../../backend/src/database/retiredIndexes';
import { useTestDatabase } from '../support/testDatabase';

/**
 * A database made by an older version still holds indexes the schemas no
 * longer declare; start-up drops them (they cost every write, and an old
 * unique one could refuse what is now allowed) and leaves the rest alone.
 */
const db = useTestDatabase();

/** The key an index name stands for: `accountId_1_cardKey_1_at_-1` → {accountId: 1, cardKey: 1, at: -1}. */
function keyOf(name: string): Record<string, number> {
  const parts = name.split('_');
  const key: Record<string, number> = {};
  for (let i = 0; i < parts.length; i += 2) key[parts[i]!] = Number(parts[i + 1]);
  return key;
}

const namesIn = async (collection: string) => (await db.connection.collection(collection).indexes()).map((index) => index.name);

it('drops the indexes an older version made, and keeps the others', async () => {
  for (const [collection, { names }] of Object.entries(RETIRED_INDEXES)) {
    for (const name of names) await db.connection.collection(collection).createIndex(keyOf(name), { name });
  }
  await db.connection.collection('recoveryCases').createIndex({ merchantNote: 1 }, { name: 'kept_by_an_operator' });
  expect(await namesIn('cardAttempts')).toContain('accountId_1_cardKey_1_at_-1');

  await ensureIndexes(db.connection);
  for (const [collection, { names }] of Object.entries(RETIRED_INDEXES)) {
    const left = await namesIn(collection);
    for (const name of names) expect(left).not.toContain(name);
  }
  expect(await namesIn('recoveryCases')).toEqual(expect.arrayContaining(['_id_', 'kept_by_an_operator']));

  // Again, with nothing left to drop: start-up runs this every time.
  await expect(ensureIndexes(db.connection)).resolves.toBeUndefined();
});
