import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { createRecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/** A case is acted on only with a key of its own mode; a mode without a key waits, and says so. */
const db = useTestDatabase();
const start = new Date('2026-04-16T14:00:00Z');

/** Counts the backend's calls to the Stripe API on their way to the sandbox. */
async function countingProxy() {
  const calls: string[] = [];
  let target = '';
  const server = http.createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    const forwarded = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    calls,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwardTo: (url: string) => void (target = url),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

it('leaves a live case alone when only a test key is configured, and says why on its timeline', async () => {
  const proxy = await countingProxy();
  const world = await createRecoveryWorld(db.connection, { start, livemode: true, env: { STRIPE_SECRET_KEY: 'sk_test_only', STRIPE_API_BASE: proxy.url } });
  proxy.forwardTo(world.sandbox.url);
  try {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + 3 * 86_400_000));

    expect(proxy.calls).toEqual([]);
    const found = (await db.connection.collection('recoveryCases').findOne({ accountId: SELF_HOSTED_ACCOUNT, livemode: true }))!;
    expect(found.status).toBe('active');
    expect(found.timeline.map((entry: { summary: string }) => entry.summary)).toEqual(expect.arrayContaining([expect.stringMatching(/live-mode case.*live key/i)]));
  } finally {
    await world.stop();
    await proxy.stop();
  }
});
