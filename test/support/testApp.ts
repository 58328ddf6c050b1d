import type { Connection } from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../backend/src/app';
import type { Clock } from '../../backend/src/clock';
import type { OutboundEventSink } from '../../backend/src/outbound';
import { loadConfig } from '../../backend/src/config';
import { createContainer, ensureIndexes, type Container } from '../../backend/src/container';
import type { RetryPolicy } from '../../backend/src/retryPolicy';
import { signPayload, stripeEvent } from './stripeEventBuilders';

import { TEST_SECRETS, TEST_WEBHOOK_SECRET } from './testSecrets';

export { TEST_LINK_SECRET, TEST_POSTMARK_WEBHOOK_PASSWORD, TEST_SECRETS, TEST_WEBHOOK_SECRET } from './testSecrets';
export const SELF_HOSTED_ACCOUNT = 'acct_selfhosted_test';

/** The real app on the test database, with quiet logs; env adds settings as process.env would. */
export async function createTestApp(connection: Connection, options: { env?: Record<string, string>; clock?: Clock; retryPolicy?: RetryPolicy; outboundEvents?: OutboundEventSink; defaultHoldoutShare?: number } = {}) {
  const config = loadConfig({
    NODE_ENV: 'test',
    ...TEST_SECRETS,
    STRIPE_ACCOUNT_ID: SELF_HOSTED_ACCOUNT,
    ...options.env,
  });
  const container: Container = createContainer({
    config,
    logger: pino({ level: 'silent' }),
    connection,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    ...(options.outboundEvents ? { outboundEvents: options.outboundEvents } : {}),
    // The holdout is off in tests unless a test turns it on: a random 10 % of cases would get no action of ours.
    defaultHoldoutShare: options.defaultHoldoutShare ?? 0,
  });
  await ensureIndexes(connection, { rawEventRetentionDays: config.privacy.rawEventRetentionDays });
  const app = createApp(container);
  const server = app.callback();

  /** POSTs an event signed with the endpoint secret and waits until its handling has finished (outboxes relayed too). */
  async function deliver(event: Record<string, unknown>) {
    const payload = JSON.stringify(event);
    const response = await request(server)
      .post('/api/webhooks/stripe')
      .set('content-type', 'application/json')
      .set('stripe-signature', signPayload(payload, TEST_WEBHOOK_SECRET))
      .send(payload);
    await container.stripeEventProcessor.drain();
    await container.outboxRelay.drain();
    return response;
  }

  /** The connected account installs the App in that mode (a signed account.application.authorized). */
  async function deliverInstall(accountId: string, livemode = false) {
    return deliver(stripeEvent('account.application.authorized', { id: 'ca_test_recovery_app', object: 'application' }, { account: accountId, livemode }));
  }

  return { app, server, container, deliver, deliverInstall };
}
