import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { createStripeClient } from '../../../backend/src/adapters/stripe';

/** The client as we build it: its requests start without rendering the caller's stack, and behave as before. */
let server: Server;
let apiBase: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url?.startsWith('/v1/invoices/in_declined/pay')) {
      response.statusCode = 402;
      response.end(JSON.stringify({ error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' } }));
      return;
    }
    response.end(JSON.stringify({ id: 'in_paid', object: 'invoice', status: 'paid' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('the Stripe client', () => {
  it('leaves the process’s stack trace limit as it found it, on success and on a decline', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_client', apiBase, timeoutMs: 5_000 });
    const before = Error.stackTraceLimit;

    await expect(stripe.invoices.retrieve('in_paid')).resolves.toMatchObject({ id: 'in_paid', status: 'paid' });
    await expect(stripe.invoices.pay('in_declined')).rejects.toBeInstanceOf(Stripe.errors.StripeCardError);

    expect(Error.stackTraceLimit).toBe(before);
  });

  it('still rejects a decline with Stripe’s error, code and message', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_client', apiBase, timeoutMs: 5_000 });

    await expect(stripe.invoices.pay('in_declined')).rejects.toMatchObject({ type: 'StripeCardError', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' });
  });
});
