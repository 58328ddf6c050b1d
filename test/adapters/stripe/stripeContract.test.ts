import {
  createBillingGateway,
  createPaymentLookup,
  createStripeClient,
  ensureWebhookEndpoint,
  HANDLED_EVENT_TYPES,
  translateError,
} from '../../../backend/src/adapters/stripe';
import type { AccountRef } from '../../../backend/src/recovery';
import { startStripeMock, STRIPE_MOCK_START_MS, type LocalService } from '../../support/localServices';

/**
 * Contract checks: every Stripe call the backend makes, sent through the
 * official SDK to stripe-mock, which validates paths, parameters and headers
 * against Stripe's published OpenAPI spec and answers with its fixtures.
 * A misspelled parameter or a removed endpoint fails here, not in production.
 */
let stripeMock: LocalService;
let gateway: ReturnType<typeof createBillingGateway>;
let lookup: ReturnType<typeof createPaymentLookup>;

beforeAll(async () => {
  stripeMock = await startStripeMock();
  const stripe = createStripeClient({ secretKey: 'sk_test_contract', apiBase: stripeMock.url, timeoutMs: 5_000 });
  gateway = createBillingGateway(stripe);
  lookup = createPaymentLookup(stripe);
}, STRIPE_MOCK_START_MS);
afterAll(async () => {
  await stripeMock?.stop();
});

const installed: AccountRef = { accountId: 'acct_1Installed', isAppInstall: true };
const selfHosted: AccountRef = { accountId: 'acct_self_hosted', isAppInstall: false };

describe.each([
  ['an App install (Stripe-Account header)', installed],
  ['the self-hosted account', selfHosted],
])('Stripe calls for %s', (_name, account) => {
  it('retrieves an invoice with its subscription expanded and reads both in our words', async () => {
    const invoice = await gateway.fetchInvoice(account, 'in_123');
    expect(invoice).toEqual(
      expect.objectContaining({ status: expect.any(String), amountRemainingMinor: expect.any(Number), currency: expect.any(String), attemptCount: expect.any(Number) }),
    );
    expect(invoice?.subscription).toEqual({ id: expect.any(String), status: expect.any(String), collectionPaused: expect.any(Boolean) });
  });

  it('reads a card with its expiry and funding for renewals', async () => {
    const card = await gateway.fetchPaymentCard(account, 'pm_123');
    expect(card).toEqual(expect.objectContaining({ paymentMethodId: expect.any(String), expMonth: expect.any(Number), expYear: expect.any(Number), funding: expect.stringMatching(/^(credit|debit|prepaid|unknown)$/) }));
  });

  it('reads a subscription as renewals keep it', async () => {
    const subscription = await gateway.fetchSubscriptionState(account, 'sub_123');
    expect(subscription).toEqual(expect.objectContaining({ subscriptionId: expect.any(String), customerId: expect.any(String), status: expect.any(String), amountMinor: expect.any(Number), currency: expect.any(String) }));
    expect(subscription?.renewsAt).toBeInstanceOf(Date);
  });

  it('retrieves a customer', async () => {
    const customer = await gateway.fetchCustomer(account, 'cus_123');
    expect(customer).toHaveProperty('country');
    expect(customer).toHaveProperty('defaultPaymentMethodId');
  });

  it('pays an invoice off-session with a chosen payment method and an idempotency key', async () => {
    const outcome = await gateway.payInvoice(account, 'in_123', { paymentMethodId: 'pm_123', idempotencyKey: 'recovery-c1-attempt-1' });
    expect(['paid', 'needs_customer_action']).toContain(outcome.kind);
  });

  it('confirms a one-time payment intent off-session', async () => {
    const outcome = await gateway.confirmPayment(account, 'pi_123', { paymentMethodId: 'pm_123', idempotencyKey: 'recovery-c2-attempt-1' });
    expect(['paid', 'needs_customer_action']).toContain(outcome.kind);
  });

  it('makes a new card the default for the customer and the subscription', async () => {
    const places = await gateway.useForFuturePayments(account, { customerId: 'cus_123', subscriptionId: 'sub_123', paymentMethodId: 'pm_new', idempotencyKey: 'recovery-c1-default-pm_new' });
    expect(places).toContain('customer');
  });

  it('cancels a subscription and marks an invoice uncollectible', async () => {
    await expect(gateway.cancelSubscription(account, 'sub_123', 'recovery-c1-end-cancel_subscription')).resolves.toBeUndefined();
    await expect(gateway.markUncollectible(account, 'in_123', 'recovery-c1-end-mark_uncollectible')).resolves.toBeUndefined();
  });

  it('opens a Billing Portal session limited to replacing the card', async () => {
    expect(await gateway.createCardUpdateSession(account, 'cus_123', 'https://recover.example.com/update/done?token=t')).toMatch(/^https?:\/\//);
  });

  it('finds the invoice a payment intent paid', async () => {
    expect(await lookup.findInvoiceForPaymentIntent(account.accountId, account.isAppInstall, 'pi_123')).toEqual(expect.any(String));
  });
});

it('turns a request Stripe refuses into a non-retryable upstream error', async () => {
  // stripe-mock rejects an unknown parameter exactly as Stripe does: 400 invalid_request_error.
  const stripe = createStripeClient({ secretKey: 'sk_test_contract', apiBase: stripeMock.url });
  const refused = await stripe.invoices.pay('in_123', { not_a_parameter: true } as never).catch((error: unknown) => translateError(error));
  expect(refused).toMatchObject({ name: 'UpstreamError', vendor: 'stripe', retryable: false, status: 400 });
});

it('turns an unreachable Stripe into a retryable upstream error', async () => {
  const unreachable = createBillingGateway(createStripeClient({ secretKey: 'sk_test_contract', apiBase: 'http://127.0.0.1:9', timeoutMs: 1_000 }));
  await expect(unreachable.payInvoice(selfHosted, 'in_123', { paymentMethodId: null, idempotencyKey: 'k' })).rejects.toMatchObject({ name: 'UpstreamError', retryable: true });
});

describe('webhook endpoint setup', () => {
  it('creates the endpoint on the Connect side with exactly the handled events', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_contract', apiBase: stripeMock.url });
    const create = jest.spyOn(stripe.webhookEndpoints, 'create');
    // stripe-mock's list answers with a fixture endpoint at another URL, so setup creates ours.
    // Its bundled spec stops at 2025-11-17.clover, so the request names that version here;
    // production sends the SDK's pinned version.
    const result = await ensureWebhookEndpoint(stripe, { publicUrl: 'https://recover.example.com', connect: true, apiVersion: '2025-11-17.clover' as never });
    expect(result).toMatchObject({ action: 'created', url: 'https://recover.example.com/api/webhooks/stripe' });
    expect(create).toHaveBeenCalledWith(expect.objectContaining({ connect: true, enabled_events: [...HANDLED_EVENT_TYPES].sort() }));
  });
});
