import request from 'supertest';
import { clientBucketOf } from '../../backend/src/rateLimits';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();

beforeEach(async () => {
  await db.connection.collection('rateLimitWindows').deleteMany({});
});

describe('clientBucketOf: which rate-limit bucket a client address counts against', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:0:0:0:9', '2001:db8:1:2::/64'],
    ['2001:db8:1:3::1', '2001:db8:1:3::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    ['::1', '::/64'],
    ['', 'unknown'],
    ['not-an-address', 'unknown:not-an-address'],
  ])('%j counts against %j', (address, bucket) => {
    expect(clientBucketOf(address)).toBe(bucket);
  });
});

describe('the card-update page limit per client behind trusted proxies', () => {
  const get = (server: Awaited<ReturnType<typeof createTestApp>>['server'], forwardedFor: string) =>
    request(server).get('/update?token=x').set('x-forwarded-for', forwardedFor);

  it('with one trusted hop, limits the address the proxy saw, however the client spoofs the left of X-Forwarded-For', async () => {
    const { server } = await createTestApp(db.connection, { env: { TRUST_PROXY_HOPS: '1', PUBLIC_RATE_LIMIT_PER_MINUTE: '3' } });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await get(server, `10.0.0.${i}, 198.51.100.${i}, 203.0.113.7`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Another customer behind the same load balancer has a bucket of their own.
    expect((await get(server, '10.0.0.1, 203.0.113.8')).status).toBe(401);
  });

  it('with two trusted hops (CDN, then load balancer), takes the second address from the right', async () => {
    const { server } = await createTestApp(db.connection, { env: { TRUST_PROXY_HOPS: '2', PUBLIC_RATE_LIMIT_PER_MINUTE: '1' } });
    expect((await get(server, '10.9.9.9, 203.0.113.7, 192.0.2.50')).status).toBe(401);
    expect((await get(server, '10.9.9.8, 203.0.113.7, 192.0.2.51')).status).toBe(429);
    expect((await get(server, '203.0.113.9, 192.0.2.50')).status).toBe(401);
  });

  it('limits two IPv6 addresses in one /64 together, and another /64 apart', async () => {
    const { server } = await createTestApp(db.connection, { env: { TRUST_PROXY_HOPS: '1', PUBLIC_RATE_LIMIT_PER_MINUTE: '2' } });
    expect((await get(server, '2001:db8:1:2::1')).status).toBe(401);
    expect((await get(server, '2001:db8:1:2:abcd::9')).status).toBe(401);
    expect((await get(server, '2001:db8:1:2::77')).status).toBe(429);
    expect((await get(server, '2001:db8:1:3::1')).status).toBe(401);
  });

  it('without trusted proxies, ignores X-Forwarded-For entirely', async () => {
    const { server } = await createTestApp(db.connection, { env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '1' } });
    expect((await get(server, '203.0.113.7')).status).toBe(401);
    expect((await get(server, '203.0.113.8')).status).toBe(429);
  });
});
