import Koa from 'koa';
import pino from 'pino';
import request from 'supertest';
import { errorMiddleware } from '../../backend/src/errors';
import { createRateLimitStore, rateLimit } from '../../backend/src/rateLimits';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
const minute = 60_000;
const at = (seconds: number) => new Date(Date.UTC(2026, 4, 1, 12, 0, seconds));

beforeEach(async () => {
  await db.connection.collection('rateLimitWindows').deleteMany({});
});

describe('rate limit counters', () => {
  it('allows up to the limit in a window and refuses the next request', async () => {
    const store = createRateLimitStore(db.connection);
    const decisions = [];
    for (let i = 0; i < 4; i += 1) decisions.push(await store.hit('ip:1.2.3.4', 3, minute, at(10 + i)));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0]]);
    expect(decisions[0]!.resetAt).toEqual(at(60));
  });

  it('starts again in the next window', async () => {
    const store = createRateLimitStore(db.connection);
    for (let i = 0; i < 3; i += 1) await store.hit('ip:1.2.3.4', 3, minute, at(i));
    expect((await store.hit('ip:1.2.3.4', 3, minute, at(61))).allowed).toBe(true);
  });

  it('counts concurrent requests from two instances against one limit', async () => {
    const first = createRateLimitStore(db.connection);
    const second = createRateLimitStore(db.connection);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? first : second).hit('acct:shared', 10, minute, at(5))));
    expect(results.filter((d) => d.allowed)).toHaveLength(10);
  });

  it('keeps keys apart', async () => {
    const store = createRateLimitStore(db.connection);
    await store.hit('acct:a', 1, minute, at(1));
    expect((await store.hit('acct:b', 1, minute, at(1))).allowed).toBe(true);
    expect((await store.hit('acct:a', 1, minute, at(2))).allowed).toBe(false);
  });

  it('deletes windows that have ended', async () => {
    const store = createRateLimitStore(db.connection);
    await store.hit('ip:old', 5, minute, at(1));
    await store.hit('ip:new', 5, minute, at(70));
    expect(await store.deleteExpired(at(90))).toBe(1);
  });
});

describe('the rate limit middleware', () => {
  function app(limit: number) {
    const koa = new Koa();
    koa.use(errorMiddleware(pino({ level: 'silent' })));
    koa.use(rateLimit({ store: createRateLimitStore(db.connection), clock: { now: () => at(30) }, scope: 'test', limit, windowMs: minute, keyOf: (ctx) => ctx.ip }));
    koa.use((ctx) => {
      ctx.body = { ok: true };
    });
    return koa.callback();
  }

  it('reports the limit on every response and answers 429 with Retry-After when over it', async () => {
    const server = app(2);
    const first = await request(server).get('/');
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(at(60).getTime() / 1000) });
    await request(server).get('/');
    const refused = await request(server).get('/');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(refused.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
  });
});
