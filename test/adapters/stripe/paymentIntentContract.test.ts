import { createBillingGateway, createStripeClient } from '../../../backend/src/adapters/stripe';
import type { AccountRef } from '../../../backend/src/recovery';
import { startStripeMock, STRIPE_MOCK_START_MS, type LocalService } from '../../support/localServices';

/** Contract checks for the one-time payment reads, against stripe-mock (Stripe's OpenAPI spec). */
let stripeMock: LocalService;
let gateway: ReturnType<typeof createBillingGateway>;

beforeAll(async () => {
  stripeMock = await startStripeMock();
  gateway = createBillingGateway(createStripeClient({ secretKey: 'sk_test_contract', apiBase: stripeMock.url, timeoutMs: 5_000 }));
}, STRIPE_MOCK_START_MS);
afterAll(async () => {
  await stripeMock?.stop();
});

const installed: AccountRef = { accountId: 'acct_1Installed', isAppInstall: true };

describe('one-time payment reads at Stripe', () => {
  it('retrieves a payment intent and reads its status, order fields and consent in our words', async () => {
    const intent = await gateway.fetchPaymentIntent(installed, 'pi_123');
    expect(intent).toMatchObject({ id: expect.any(String), status: expect.any(String), amountMinor: expect.any(Number), currency: expect.any(String), order: { metadata: expect.any(Object) } });
    expect([null, 'setup_future_usage', 'mandate']).toContain(intent!.offSessionConsent);
  });

  it('lists a customer’s payment intents since a date', async () => {
    const intents = await gateway.listCustomerPaymentIntents(installed, 'cus_123', new Date('2026-05-01T00:00:00Z'));
    expect(Array.isArray(intents)).toBe(true);
  });

  it('asks whether a card was saved for off-session use', async () => {
    expect(typeof (await gateway.isSavedForOffSession(installed, 'cus_123', 'pm_123'))).toBe('boolean');
  });
});
