import { startStripeMock, type LocalService } from '../support/localServices';

/**
 * Test files start their own stripe-mock and jest runs files side by side. Given only an HTTP address,
 * stripe-mock also opens HTTPS on its fixed default port, so the second one to start used to exit just after
 * saying it listens: the other file's requests were then refused.
 */
describe('stripe-mock for tests', () => {
  const running: LocalService[] = [];
  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop()));
  });

  it('runs as two instances side by side, each still answering after both have started', async () => {
    running.push(...(await Promise.all([startStripeMock(), startStripeMock()])));
    // stripe-mock exits only after its listeners are made; a moment later tells an exited one from a live one.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const statuses = await Promise.all(
      running.map(async (service) => (await fetch(`${service.url}/v1/balance`, { headers: { authorization: 'Bearer sk_test_123' } })).status),
    );
    expect(statuses).toEqual([200, 200]);
  }, 30_000);
});
