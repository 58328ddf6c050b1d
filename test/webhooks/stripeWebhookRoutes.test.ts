import request from 'supertest';
import { useTestDatabase } from '../support/testDatabase';
import { createTestApp, SELF_HOSTED_ACCOUNT, TEST_WEBHOOK_SECRET } from '../support/testApp';
import { invoice, paymentIntent, signPayload, stripeEvent, T0 } from '../support/stripeEventBuilders';

const db = useTestDatabase();
let testApp: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  testApp = await createTestApp(db.connection);
});
beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts'].map((name) => db.connection.collection(name).deleteMany({})));
});

const caseFor = (accountId: string, key: string) => testApp.container.cases.findByKey(accountId, false, key);
const countCases = () => db.connection.collection('recoveryCases').countDocuments();
/** Events stored anywhere: handled ones in the record, waiting ones in the inbox. */
const countEvents = async () => (await db.connection.collection('stripeEvents').countDocuments()) + (await db.connection.collection('stripeEventInbox').countDocuments());

describe('POST /api/webhooks/stripe', () => {
  it('opens a recovery case for a signed invoice.payment_failed on the self-hosted account', async () => {
    const response = await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' })));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true });
    const opened = await caseFor(SELF_HOSTED_ACCOUNT, 'invoice:in_1');
    expect(opened).toMatchObject({ status: 'active', amountMinor: 4900, currency: 'usd', stripeCustomerId: 'cus_alice', subscriptionId: 'sub_alice', livemode: false });
    const stored = await db.connection.collection('stripeEvents').findOne({});
    expect(stored).toMatchObject({ accountId: SELF_HOSTED_ACCOUNT, livemode: false, status: 'handled', outcome: 'case opened' });
  });

  it('answers 200 to ten deliveries of one event, each after the last was handled, and applies it once', async () => {
    const event = stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' }));
    const responses = [];
    for (let i = 0; i < 10; i += 1) responses.push(await testApp.deliver(event));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    const opened = await caseFor(SELF_HOSTED_ACCOUNT, 'invoice:in_1');
    expect(opened).toMatchObject({ failureCount: 1 });
    expect(opened!.timeline).toHaveLength(1);
    expect(await countEvents()).toBe(1);
    expect(await db.connection.collection('stripeEventInbox').countDocuments()).toBe(0);
  });

  it('flags a re-delivery of an event that is still waiting to be handled as a duplicate', async () => {
    const event = stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' }));
    const payload = JSON.stringify(event);
    const send = () => request(testApp.server).post('/api/webhooks/stripe').set('stripe-signature', signPayload(payload, TEST_WEBHOOK_SECRET)).send(payload);
    expect((await send()).body).toEqual({ received: true });
    expect((await send()).body).toEqual({ received: true, duplicate: true });
    await testApp.container.stripeEventProcessor.drain();
    expect(await countEvents()).toBe(1);
  });

  it('answers 200 to ten concurrent deliveries of one event and stores it once', async () => {
    const event = stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' }));
    const payload = JSON.stringify(event);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(testApp.server).post('/api/webhooks/stripe').set('stripe-signature', signPayload(payload, TEST_WEBHOOK_SECRET)).send(payload),
      ),
    );
    await testApp.container.stripeEventProcessor.drain();
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(await countEvents()).toBe(1);
    expect((await caseFor(SELF_HOSTED_ACCOUNT, 'invoice:in_1'))!.failureCount).toBe(1);
  });

  it('closes the case as recovered when the invoice is paid', async () => {
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' })));
    await testApp.deliver(stripeEvent('invoice.paid', invoice({ id: 'in_1', status: 'paid', amount_remaining: 0 }), { created: T0 + 3600 }));
    expect(await caseFor(SELF_HOSTED_ACCOUNT, 'invoice:in_1')).toMatchObject({ status: 'recovered', outcome: { status: 'recovered', recoveredBy: 'customer_payment' } });
  });

  it('opens nothing when the payment arrives before its failure (reversed order)', async () => {
    await testApp.deliver(stripeEvent('invoice.paid', invoice({ id: 'in_1', status: 'paid' }), { created: T0 + 60 }));
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' }), { created: T0 }));
    expect(await countCases()).toBe(0);
  });

  it('keeps a recovered case recovered when a late failure of the same attempt arrives', async () => {
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' }), { created: T0 }));
    await testApp.deliver(stripeEvent('invoice.payment_succeeded', invoice({ id: 'in_1', status: 'paid' }), { created: T0 + 600 }));
    await testApp.deliver(stripeEvent('payment_intent.payment_failed', paymentIntent({ id: 'pi_1', invoice: 'in_1' }), { created: T0 }));
    const recovered = await caseFor(SELF_HOSTED_ACCOUNT, 'invoice:in_1');
    expect(recovered).toMatchObject({ status: 'recovered' });
  });

  it.each([
    ['failed, paid, canceled'],
    ['failed, canceled, paid'],
    ['paid, failed, canceled'],
    ['paid, canceled, failed'],
    ['canceled, failed, paid'],
    ['canceled, paid, failed'],
  ])('ends with the payment winning in the order %s', async (order) => {
    const events: Record<string, Record<string, unknown>> = {
      failed: stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' }), { created: T0 }),
      paid: stripeEvent('invoice.paid', invoice({ id: 'in_1', status: 'paid' }), { created: T0 + 600 }),
      canceled: stripeEvent('customer.subscription.deleted', { id: 'sub_alice', object: 'subscription', customer: 'cus_alice', status: 'canceled' }, { created: T0 + 1200 }),
    };
    for (const name of order.split(', ')) {
      for (let i = 0; i < 2; i += 1) await testApp.deliver(events[name]!);
    }
    const found = await caseFor(SELF_HOSTED_ACCOUNT, 'invoice:in_1');
    // Either the failure arrived after the payment and opened nothing, or the case ends recovered.
    if (found) expect(found.status).toBe('recovered');
    else expect(order.indexOf('paid')).toBeLessThan(order.indexOf('failed'));
  });

  it('churns the case when the subscription is canceled while recovery is running', async () => {
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' })));
    await testApp.deliver(stripeEvent('customer.subscription.deleted', { id: 'sub_alice', object: 'subscription', status: 'canceled' }, { created: T0 + 60 }));
    expect(await caseFor(SELF_HOSTED_ACCOUNT, 'invoice:in_1')).toMatchObject({ status: 'churned', outcome: { reason: 'subscription_canceled' } });
  });

  it.each([
    ['invoice.voided', 'invoice_voided'],
    ['invoice.marked_uncollectible', 'marked_uncollectible'],
  ])('cancels the case on %s', async (type, reason) => {
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' })));
    await testApp.deliver(stripeEvent(type, invoice({ id: 'in_1', status: 'void' }), { created: T0 + 60 }));
    expect(await caseFor(SELF_HOSTED_ACCOUNT, 'invoice:in_1')).toMatchObject({ status: 'canceled', outcome: { reason } });
  });

  it('adds decline details from the payment intent to the invoice case', async () => {
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' })));
    await testApp.deliver(stripeEvent('payment_intent.payment_failed', paymentIntent({ id: 'pi_1', invoice: 'in_1' })));
    expect(await caseFor(SELF_HOSTED_ACCOUNT, 'invoice:in_1')).toMatchObject({
      decline: { code: 'card_declined', declineCode: 'insufficient_funds' },
      card: { brand: 'visa', fingerprint: 'fp_alice' },
    });
  });

  it('opens a one-time payment case and closes it when the payment intent succeeds', async () => {
    await testApp.deliver(stripeEvent('payment_intent.payment_failed', paymentIntent({ id: 'pi_9', invoice: null, amount: 12000, currency: 'eur' })));
    expect(await caseFor(SELF_HOSTED_ACCOUNT, 'payment_intent:pi_9')).toMatchObject({ status: 'active', amountMinor: 12000, currency: 'eur', target: { kind: 'one_time_payment' } });
    await testApp.deliver(stripeEvent('payment_intent.succeeded', paymentIntent({ id: 'pi_9', status: 'succeeded' }), { created: T0 + 60 }));
    expect(await caseFor(SELF_HOSTED_ACCOUNT, 'payment_intent:pi_9')).toMatchObject({ status: 'recovered' });
  });

  it('records a current-shape payment intent failure as ignored when Stripe API access is not configured', async () => {
    await testApp.deliver(stripeEvent('payment_intent.payment_failed', paymentIntent({ id: 'pi_2' })));
    expect(await countCases()).toBe(0);
    const stored = await db.connection.collection('stripeEvents').findOne({});
    expect(stored).toMatchObject({ status: 'ignored', outcome: expect.stringContaining('STRIPE_SECRET_KEY') });
  });

  it('notes a new card on the open cases of that customer', async () => {
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' })));
    await testApp.deliver(stripeEvent('payment_method.attached', { id: 'pm_new', object: 'payment_method', customer: 'cus_alice' }, { created: T0 + 60 }));
    const found = await caseFor(SELF_HOSTED_ACCOUNT, 'invoice:in_1');
    expect(found!.paymentMethodChangedAt).toEqual(new Date((T0 + 60) * 1000));
    expect(found!.timeline.at(-1)).toMatchObject({ kind: 'payment_method_changed' });
  });

  it('answers 200 to an event type it does not use and records it as ignored', async () => {
    const response = await testApp.deliver(stripeEvent('charge.refunded', { id: 'ch_1', object: 'charge' }));
    expect(response.status).toBe(200);
    expect(await db.connection.collection('stripeEvents').findOne({})).toMatchObject({ type: 'charge.refunded', status: 'ignored', accountId: SELF_HOSTED_ACCOUNT, livemode: false });
    expect(await countCases()).toBe(0);
  });
});

describe('tenancy', () => {
  it('keeps two accounts with look-alike data apart', async () => {
    for (const account of ['acct_alpha', 'acct_beta']) {
      await testApp.deliverInstall(account);
      await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_same', customer: 'cus_same' }), { account }));
    }
    await testApp.deliver(stripeEvent('invoice.paid', invoice({ id: 'in_same', customer: 'cus_same', status: 'paid' }), { account: 'acct_alpha', created: T0 + 60 }));
    await testApp.deliver(stripeEvent('customer.subscription.deleted', { id: 'sub_alice', status: 'canceled' }, { account: 'acct_alpha', created: T0 + 120 }));
    expect(await caseFor('acct_alpha', 'invoice:in_same')).toMatchObject({ status: 'recovered', accountId: 'acct_alpha' });
    expect(await caseFor('acct_beta', 'invoice:in_same')).toMatchObject({ status: 'active', accountId: 'acct_beta' });
    expect(await caseFor(SELF_HOSTED_ACCOUNT, 'invoice:in_same')).toBeNull();
  });

  it('creates the account on its first event and on install', async () => {
    await testApp.deliver(stripeEvent('account.application.authorized', { id: 'ca_app', object: 'application' }, { account: 'acct_new' }));
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' })));
    expect(await testApp.container.accounts.find('acct_new', false)).toMatchObject({ source: 'app', status: 'installed' });
    expect(await testApp.container.accounts.find(SELF_HOSTED_ACCOUNT, false)).toMatchObject({ source: 'self_hosted', status: 'installed' });
  });

  it('stops every active case on uninstall and ignores that account until it installs again', async () => {
    const account = 'acct_leaving';
    await testApp.deliverInstall(account);
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' }), { account }));
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_2', customer: 'cus_bob' }), { account }));
    await testApp.deliver(stripeEvent('account.application.deauthorized', { id: 'ca_app', object: 'application' }, { account, created: T0 + 60 }));
    expect(await caseFor(account, 'invoice:in_1')).toMatchObject({ status: 'canceled', outcome: { reason: 'app_uninstalled' } });
    expect(await caseFor(account, 'invoice:in_2')).toMatchObject({ status: 'canceled' });

    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_3' }), { account, created: T0 + 120 }));
    expect(await caseFor(account, 'invoice:in_3')).toBeNull();

    await testApp.deliver(stripeEvent('account.application.authorized', { id: 'ca_app', object: 'application' }, { account, created: T0 + 180 }));
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_4' }), { account, created: T0 + 240 }));
    expect(await caseFor(account, 'invoice:in_4')).toMatchObject({ status: 'active' });
  });
});

describe('bad input to POST /api/webhooks/stripe', () => {
  const event = () => stripeEvent('invoice.payment_failed', invoice({ id: 'in_bad' }));
  const post = (payload: string | Buffer, signature?: string) => {
    const req = request(testApp.server).post('/api/webhooks/stripe').set('content-type', 'application/json');
    if (signature !== undefined) req.set('stripe-signature', signature);
    return req.send(payload);
  };

  it.each<[string, () => { payload: string; signature?: string }, string]>([
    ['a missing signature', () => ({ payload: JSON.stringify(event()) }), 'missing_signature'],
    ['a signature made with another secret', () => {
      const payload = JSON.stringify(event());
      return { payload, signature: signPayload(payload, 'whsec_someone_else') };
    }, 'invalid_signature'],
    ['a timestamp older than 300 seconds', () => {
      const payload = JSON.stringify(event());
      return { payload, signature: signPayload(payload, TEST_WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 301) };
    }, 'invalid_signature'],
    ['a tampered body', () => {
      const payload = JSON.stringify(event());
      return { payload: payload.replace('4900', '1'), signature: signPayload(payload, TEST_WEBHOOK_SECRET) };
    }, 'invalid_signature'],
    ['a garbage signature header', () => ({ payload: JSON.stringify(event()), signature: 'not-a-signature' }), 'invalid_signature'],
    ['malformed JSON that is correctly signed', () => {
      const payload = '{"id": "evt_1", "type": ';
      return { payload, signature: signPayload(payload, TEST_WEBHOOK_SECRET) };
    }, 'malformed_payload'],
    ['signed JSON that is not a Stripe event', () => {
      const payload = JSON.stringify({ hello: 'world' });
      return { payload, signature: signPayload(payload, TEST_WEBHOOK_SECRET) };
    }, 'malformed_payload'],
  ])('answers 400 to %s and stores nothing', async (_name, make, code) => {
    const { payload, signature } = make();
    const response = await post(payload, signature);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code });
    expect(await countEvents()).toBe(0);
    expect(await countCases()).toBe(0);
  });

  it('answers 413 to a body over 1 MB and stores nothing', async () => {
    const payload = JSON.stringify({ ...event(), padding: 'x'.repeat(1024 * 1024) });
    const response = await post(payload, signPayload(payload, TEST_WEBHOOK_SECRET));
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({ code: 'body_too_large' });
    expect(await countEvents()).toBe(0);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await request(testApp.server).get('/api/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({ type: 'not_found_error', code: 'route_not_found' });
  });
});
