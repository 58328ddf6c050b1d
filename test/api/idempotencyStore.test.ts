import { createIdempotencyStore, ensureIdempotencyExpiryIndex, IDEMPOTENCY_WINDOW_MS, IN_FLIGHT_MARKER_MS } from '../../backend/src/api';
import { useTestDatabase } from '../support/testDatabase';

/** The Idempotency-Key records on the real database, with times passed in. */
const db = useTestDatabase();
const now = new Date('2026-05-04T14:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const scope = { accountId: 'acct_idempotency', livemode: false, key: 'order-42' };

beforeEach(async () => {
  await db.connection.collection('idempotencyKeys').deleteMany({});
  await ensureIdempotencyExpiryIndex(db.connection);
});

describe('idempotency keys', () => {
  it('answers a second request under a running key with in_progress, until the crashed request’s marker runs out', async () => {
    const store = createIdempotencyStore(db.connection);
    expect(await store.begin(scope, 'fp', now)).toMatchObject({ kind: 'started' });
    expect(await store.begin(scope, 'fp', later(IN_FLIGHT_MARKER_MS - 1))).toEqual({ kind: 'conflict', reason: 'in_progress' });
    expect(await store.begin(scope, 'another body', later(IN_FLIGHT_MARKER_MS + 1))).toEqual({ kind: 'conflict', reason: 'different_request' });
    expect(await store.begin(scope, 'fp', later(IN_FLIGHT_MARKER_MS + 1))).toMatchObject({ kind: 'started' });
  });

  it('replays a finished answer for 24 hours, then lets the key start afresh even where no TTL index deletes it', async () => {
    const store = createIdempotencyStore(db.connection);
    const begun = await store.begin(scope, 'fp', now);
    await store.finish(scope, begun.kind === 'started' ? begun.owner : '', { status: 201, body: '{"ok":true}' });
    expect(await store.begin(scope, 'fp', later(IDEMPOTENCY_WINDOW_MS - 1))).toEqual({ kind: 'replay', status: 201, body: '{"ok":true}' });
    expect(await store.begin({ ...scope, livemode: true }, 'fp', now)).toMatchObject({ kind: 'started' });
    expect(await store.begin(scope, 'other', later(IDEMPOTENCY_WINDOW_MS))).toMatchObject({ kind: 'started' });
  });

  it('frees an abandoned key (a 5xx) at once', async () => {
    const store = createIdempotencyStore(db.connection);
    const begun = await store.begin(scope, 'fp', now);
    await store.abandon(scope, begun.kind === 'started' ? begun.owner : '');
    expect(await store.begin(scope, 'fp', now)).toMatchObject({ kind: 'started' });
  });
});
