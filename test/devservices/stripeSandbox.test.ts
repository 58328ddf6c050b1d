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
  it("keeps a customer's preferred_locales as the SDK sends them, and reports their change in customer.updated", async () => {
    const created = await stripe.customers.create({ email: 'anna@example.com', preferred_locales: ['de-DE', 'en'] });
    expect((await stripe.customers.retrieve(created.id) as Stripe.Customer).preferred_locales).toEqual(['de-DE', 'en']);
    const updated = await stripe.customers.update(created.id, { preferred_locales: ['ja'] });
    expect(updated.preferred_locales).toEqual(['ja']);
    expect(sandbox.billing.customer('platform', created.id).preferred_locales).toEqual(['ja']);
    await sandbox.events.idle();
    const event = received.find((candidate) => candidate.type === 'customer.updated') as unknown as Stripe.CustomerUpdatedEvent;
    expect(event.data).toMatchObject({ object: { preferred_locales: ['ja'] }, previous_attributes: { preferred_locales: ['de-DE', 'en'] } });
  });

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

describe('subscriptions, card expiry and the account updater', () => {
  const control = async (path: string, body: Record<string, unknown>) => {
    const response = await fetch(`${sandbox.url}/_sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  const on = { stripeAccount: 'acct_a' };

  it('creates a card with the given expiry and funding, and renews the card through the account updater with its event', async () => {
    const customer = await control('/customers', { account: 'acct_a', email: 'ana@example.com' });
    const pm = await control('/payment_methods', { account: 'acct_a', customer: customer.id, brand: 'visa', expMonth: 3, expYear: 2027, funding: 'prepaid', country: 'BR' });
    const read = await stripe.paymentMethods.retrieve(pm.id as string, {}, on);
    expect(read.card).toMatchObject({ exp_month: 3, exp_year: 2027, funding: 'prepaid', country: 'BR', fingerprint: expect.any(String) });
    expect(((await stripe.customers.retrieve(customer.id as string, {}, on)) as Stripe.Customer).invoice_settings.default_payment_method).toBe(pm.id);

    await control(`/payment_methods/${String(pm.id)}/account_updater`, { account: 'acct_a', expMonth: 3, expYear: 2030, last4: '1881' });
    expect((await stripe.paymentMethods.retrieve(pm.id as string, {}, on)).card).toMatchObject({ exp_month: 3, exp_year: 2030, last4: '1881' });
    await sandbox.events.idle();
    const updated = received.find((event) => event.type === 'payment_method.automatically_updated') as unknown as Stripe.Event;
    expect(updated.data.previous_attributes).toEqual({ card: { exp_month: 3, exp_year: 2027, last4: '4242' } });
  });

  it('keeps the period end on the subscription and its item, sends invoice.upcoming, and on renewal moves the period on and declines an expired card', async () => {
    sandbox.state.clockOffsetMs = Date.UTC(2027, 2, 1) - Date.now();
    const customer = await control('/customers', { account: 'acct_a', email: 'ana@example.com' });
    await control('/payment_methods', { account: 'acct_a', customer: customer.id, brand: 'visa', expMonth: 3, expYear: 2027 });
    const created = await control('/subscriptions', { account: 'acct_a', customer: customer.id, amount: 1500, quantity: 2, currency: 'eur', currentPeriodEnd: '2027-04-01T00:00:00Z' });
    const periodEnd = Date.UTC(2027, 3, 1) / 1000;
    const read = await stripe.subscriptions.retrieve(created.id as string, {}, on);
    expect(read.items.data[0]).toMatchObject({ current_period_end: periodEnd, quantity: 2 });
    expect((read as unknown as { current_period_end: number }).current_period_end).toBe(periodEnd);

    await control(`/subscriptions/${String(created.id)}/upcoming`, { account: 'acct_a' });
    sandbox.state.clockOffsetMs = Date.UTC(2027, 3, 1) - Date.now();
    const invoice = await control(`/subscriptions/${String(created.id)}/renew`, { account: 'acct_a' });
    expect(invoice).toMatchObject({ amount_due: 3000, status: 'open' });
    expect(sandbox.state.charges.at(-1)).toMatchObject({ outcome: 'declined', declineCode: 'expired_card' });
    expect((await stripe.subscriptions.retrieve(created.id as string, {}, on)).items.data[0]!.current_period_end).toBe(Date.UTC(2027, 4, 1) / 1000);

    await sandbox.events.idle();
    const types = received.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['customer.subscription.created', 'invoice.upcoming', 'customer.subscription.updated', 'invoice.payment_failed']));
    const upcoming = received.find((event) => event.type === 'invoice.upcoming') as unknown as Stripe.Event;
    expect(upcoming.data.object).toMatchObject({ amount_due: 3000, next_payment_attempt: periodEnd + 3600, parent: { subscription_details: { subscription: created.id } } });
  });

  it('sets cancel_at_period_end through the API with its event', async () => {
    const customer = await control('/customers', { account: 'acct_a', email: 'ana@example.com' });
    const created = await control('/subscriptions', { account: 'acct_a', customer: customer.id, amount: 900 });
    const updated = await stripe.subscriptions.update(created.id as string, { cancel_at_period_end: true }, on);
    expect(updated.cancel_at_period_end).toBe(true);
    await sandbox.events.idle();
    const event = received.find((found) => found.type === 'customer.subscription.updated') as unknown as Stripe.Event;
    expect(event.data.previous_attributes).toEqual({ cancel_at_period_end: false });
  });
});
