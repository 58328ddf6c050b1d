import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startStripeSandbox, type StripeSandbox } from '../../devservices/stripe-sandbox/stripeSandbox';

const SECRET = 'whsec_sandbox_test';
let sandbox: StripeSandbox;
let receiver: http.Server;
const received: Array<{ type: string; account?: string; request: { idempotency_key: string | null } }> = [];
let stripe: Stripe;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      try {
        // Verified exactly as a real endpoint does: signature over the raw body, 300 s tolerance.
        received.push(Stripe.webhooks.constructEvent(raw, String(req.headers['stripe-signature']), SECRET, 300) as never);
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  sandbox = await startStripeSandbox({ webhook: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, secret: SECRET } });
  stripe = new Stripe('sk_test_sandbox', { host: '127.0.0.1', port: sandbox.port, protocol: 'http', maxNetworkRetries: 0, timeout: 2_000 });
});
afterAll(async () => {
  await sandbox.stop();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  sandbox.state.reset();
  received.length = 0;
});

function setUp(account: string, declines: Array<Record<string, string>>, then: 'succeed' | 'repeat_last' = 'succeed') {
  const customer = sandbox.billing.createCustomer(account, { email: 'alice@example.com' });
  const pm = sandbox.billing.createPaymentMethod(account, { brand: 'visa', behaviour: { declines: declines as never, then } });
  sandbox.billing.attach(account, pm.id as string, customer.id as string, null);
  sandbox.billing.updateCustomer(account, customer.id as string, { invoice_settings: { default_payment_method: pm.id } }, null);
  const subscription = sandbox.billing.createSubscription(account, { customer: customer.id as string, amount: 4900, currency: 'usd' });
  const invoice = sandbox.billing.renew(account, subscription.id as string);
  return { customer, pm, subscription, invoice };
}

describe('the Stripe sandbox through the official SDK', () => {
  it("renews a subscription with Stripe's first attempt, failing as scripted, and links the decline through invoice payments", async () => {
    const { invoice } = setUp('acct_a', [{ code: 'card_declined', decline_code: 'insufficient_funds', advice_code: 'try_again_later' }, { code: 'card_declined', decline_code: 'insufficient_funds' }]);
    const fetched = await stripe.invoices.retrieve(invoice.id as string, {}, { stripeAccount: 'acct_a' });
    expect(fetched).toMatchObject({ status: 'open', attempt_count: 1, amount_remaining: 4900 });
    expect(fetched.next_payment_attempt).toEqual(expect.any(Number));
    const payments = await stripe.invoicePayments.list({ invoice: invoice.id as string, expand: ['data.payment.payment_intent'] }, { stripeAccount: 'acct_a' });
    const intentId = payments.data[0]!.payment.payment_intent as string;
    const intent = await stripe.paymentIntents.retrieve(intentId, {}, { stripeAccount: 'acct_a' });
    expect(intent.last_payment_error).toMatchObject({ decline_code: 'insufficient_funds', advice_code: 'try_again_later' });
  });

  it('declines invoices.pay with a StripeCardError, then succeeds after the scripted declines', async () => {
    const { invoice } = setUp('acct_a', [{ code: 'card_declined', decline_code: 'insufficient_funds' }, { code: 'card_declined', decline_code: 'do_not_honor', network_advice_code: '24' }]);
    const declined = await stripe.invoices.pay(invoice.id as string, { off_session: true }, { stripeAccount: 'acct_a', idempotencyKey: 'k-1' }).catch((error: unknown) => error);
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(declined).toMatchObject({ decline_code: 'do_not_honor', raw: { network_advice_code: '24' } });
    const paid = await stripe.invoices.pay(invoice.id as string, { off_session: true }, { stripeAccount: 'acct_a', idempotencyKey: 'k-2' });
    expect(paid).toMatchObject({ status: 'paid', amount_remaining: 0 });
  });

  it('replays an idempotent request instead of charging twice', async () => {
    const { invoice } = setUp('acct_a', [{ code: 'card_declined', decline_code: 'insufficient_funds' }]);
    const first = await stripe.invoices.pay(invoice.id as string, { off_session: true }, { stripeAccount: 'acct_a', idempotencyKey: 'same' });
    const second = await stripe.invoices.pay(invoice.id as string, { off_session: true }, { stripeAccount: 'acct_a', idempotencyKey: 'same' });
    expect(second.id).toBe(first.id);
    expect(sandbox.state.charges.filter((charge) => charge.idempotencyKey === 'same')).toHaveLength(1);
  });

  it("keeps accounts apart: another account's invoice is a 404", async () => {
    const { invoice } = setUp('acct_a', []);
    await expect(stripe.invoices.retrieve(invoice.id as string, {}, { stripeAccount: 'acct_b' })).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 404 });
  });

  it('opens a Billing Portal session whose page saves a new default card and returns', async () => {
    const { customer } = setUp('acct_a', [{ code: 'card_declined', decline_code: 'expired_card' }], 'repeat_last');
    const session = await stripe.billingPortal.sessions.create(
      { customer: customer.id as string, return_url: 'https://shop.example/back', flow_data: { type: 'payment_method_update' } },
      { stripeAccount: 'acct_a' },
    );
    const page = await fetch(session.url);
    expect(await page.text()).toContain('Update your payment method');
    const submitted = await fetch(session.url, { method: 'POST', body: 'card=visa', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(submitted.status).toBe(303);
    expect(submitted.headers.get('location')).toBe('https://shop.example/back');
    const updated = await stripe.customers.retrieve(customer.id as string, {}, { stripeAccount: 'acct_a' });
    expect((updated as Stripe.Customer).invoice_settings.default_payment_method).not.toBeNull();
    await sandbox.events.idle();
    expect(received.map((event) => event.type)).toEqual(expect.arrayContaining(['payment_method.attached', 'customer.updated']));
  });

  it('sends signed events with the account and the idempotency key of the request that caused them', async () => {
    const { invoice } = setUp('acct_a', [{ code: 'card_declined', decline_code: 'insufficient_funds' }, { code: 'card_declined', decline_code: 'insufficient_funds' }]);
    await stripe.invoices.pay(invoice.id as string, { off_session: true }, { stripeAccount: 'acct_a', idempotencyKey: 'recovery-x-attempt-1' }).catch(() => undefined);
    await sandbox.events.idle();
    const failure = received.filter((event) => event.type === 'payment_intent.payment_failed').at(-1)!;
    expect(failure).toMatchObject({ account: 'acct_a', request: { idempotency_key: 'recovery-x-attempt-1' } });
    expect(received.map((event) => event.type)).toEqual(expect.arrayContaining(['invoice.finalized', 'invoice.payment_failed', 'customer.subscription.updated']));
  });

  it.each([
    ['an outage', 'error_500', Stripe.errors.StripeAPIError],
    ['a rate limit', 'rate_limit', Stripe.errors.StripeRateLimitError],
  ])('answers %s while the fault lasts', async (_name, mode, errorClass) => {
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode, count: 1 }) });
    await expect(stripe.customers.retrieve('cus_missing')).rejects.toBeInstanceOf(errorClass);
    await expect(stripe.customers.retrieve('cus_missing')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('refuses requests without a test secret key', async () => {
    const response = await fetch(`${sandbox.url}/v1/customers/cus_1`);
    expect(response.status).toBe(401);
  });
});
