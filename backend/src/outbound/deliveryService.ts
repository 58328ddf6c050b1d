import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import { decideAfterFailure } from './deliverySchedule';
import type { AttemptResult, DeliveryStore } from './deliveryStore';
import type { EndpointService, Outcome, Refusal } from './endpointService';
import type { EndpointStore } from './endpointStore';
import type { OutboundEvent } from './outboundEvent';
import type { OutboundEventStore } from './outboundEventStore';
import { signatureHeader, SIGNATURE_HEADER } from './webhookSignature';
import { signingSecretsAt, type WebhookEndpoint } from './webhookEndpoint';
import type { WebhookDelivery } from './webhookDelivery';
import type { WebhookSender } from './webhookSender';

export interface DeliveryService {
  /** Claims up to `limit` due deliveries and attempts them concurrently; returns how many it took. */
  runDue(limit: number): Promise<number>;
  /** Queues a fresh attempt now (with a fresh 3-day window), whatever became of the delivery. */
  resend(accountId: string, livemode: boolean, id: string): Promise<Outcome<WebhookDelivery>>;
  /** A `ping` event to one endpoint, queued now. */
  ping(accountId: string, livemode: boolean, endpointId: string): Promise<Outcome<{ event: OutboundEvent; delivery: WebhookDelivery }>>;
}

const disabledRefusal: Refusal = { code: 'endpoint_disabled', message: 'The webhook endpoint is disabled; enable it first (POST /api/webhook-endpoints/:id with status "enabled").', status: 400, param: 'id' };
const refuse = (refusal: Refusal) => ({ ok: false as const, refusal });

export function createDeliveryService(deps: {
  deliveries: DeliveryStore;
  endpoints: EndpointStore;
  endpointService: EndpointService;
  events: OutboundEventStore;
  sender: WebhookSender;
  /** Tells the merchant once that an endpoint was disabled (App shows it too: status and reason). */
  notifyDisabled: (endpoint: WebhookEndpoint, reason: string, now: Date) => Promise<void>;
  clock: Clock;
  logger: Logger;
  instanceId: string;
  leaseMs: number;
  /** Wakes the delivery job after a resend or ping. */
  onQueued?: () => void;
}): DeliveryService {
  const { deliveries, endpoints, clock, logger } = deps;

  async function attempt(delivery: WebhookDelivery, lease: string): Promise<void> {
    const endpoint = await endpoints.find(delivery.accountId, delivery.livemode, delivery.endpointId);
    const event = await deps.events.find(delivery.accountId, delivery.livemode, delivery.eventId);
    if (!endpoint || endpoint.status !== 'enabled' || !event) return deliveries.abandon(delivery.id, lease);
    const at = clock.now();
    const secrets = deps.endpointService.openSigningSecrets(endpoint, signingSecretsAt(endpoint, at));
    if (secrets.length === 0) {
      logger.error({ endpointId: endpoint.id }, 'webhook secret does not open (SECRETS_ENCRYPTION_KEY changed?); delivery abandoned');
      return deliveries.abandon(delivery.id, lease);
    }
    const outcome = await deps.sender.post(endpoint.url, event.body, { [SIGNATURE_HEADER]: signatureHeader(event.body, secrets, at), 'Recovery-Event-Id': event.id });
    const windowStartedAt = delivery.windowStartedAt ?? at;
    const logged = { at, ...outcome };
    let result: AttemptResult;
    let abandonedFor: string | null = null;
    if (outcome.error === null) {
      result = { attempt: logged, status: 'succeeded', nextAttemptAt: null, windowStartedAt };
    } else {
      const failedAttempts = delivery.attempts.filter((earlier) => earlier.at >= windowStartedAt).length + 1;
      const next = decideAfterFailure({ windowStartedAt, failedAttempts, now: clock.now() });
      if (next.kind === 'retry') result = { attempt: logged, status: 'failed', nextAttemptAt: next.at, windowStartedAt };
      else {
        result = { attempt: logged, status: 'abandoned', nextAttemptAt: null, windowStartedAt };
        abandonedFor = `${next.reason}; last error: ${outcome.error}`;
      }
    }
    if (!(await deliveries.recordAttempt(delivery.id, lease, result))) return;
    if (abandonedFor && (await endpoints.disable(endpoint.accountId, endpoint.livemode, endpoint.id, abandonedFor))) {
      logger.warn({ accountId: endpoint.accountId, endpointId: endpoint.id, reason: abandonedFor }, 'webhook endpoint disabled');
      await deps.notifyDisabled(endpoint, abandonedFor, clock.now()).catch((error: unknown) => {
        logger.warn({ endpointId: endpoint.id, err: error instanceof Error ? error.message : String(error) }, 'could not email the merchant about a disabled webhook endpoint');
      });
    }
  }

  async function enabledEndpoint(accountId: string, livemode: boolean, id: string): Promise<Outcome<WebhookEndpoint>> {
    const endpoint = await endpoints.find(accountId, livemode, id);
    if (!endpoint) return refuse({ code: 'no_webhook_endpoint', message: 'No such webhook endpoint.', status: 404, param: 'id' });
    return endpoint.status === 'enabled' ? { ok: true, value: endpoint } : refuse(disabledRefusal);
  }

  return {
    async runDue(limit) {
      const { lease, deliveries: claimed } = await deliveries.claimDue(deps.instanceId, clock.now(), deps.leaseMs, limit);
      await Promise.all(claimed.map((delivery) => attempt(delivery, lease).catch((error: unknown) => {
        // The lease runs out and another run tries again: nothing is lost.
        logger.warn({ deliveryId: delivery.id, err: error instanceof Error ? error.message : String(error) }, 'webhook delivery attempt failed to complete');
      })));
      return claimed.length;
    },
    async resend(accountId, livemode, id) {
      const found = await deliveries.find(accountId, livemode, id);
      if (!found) return refuse({ code: 'no_webhook_delivery', message: 'No such webhook delivery.', status: 404, param: 'id' });
      const endpoint = await enabledEndpoint(accountId, livemode, found.endpointId);
      if (!endpoint.ok) return endpoint;
      const queued = await deliveries.resend(accountId, livemode, id, clock.now());
      deps.onQueued?.();
      return { ok: true, value: queued! };
    },
    async ping(accountId, livemode, endpointId) {
      const endpoint = await enabledEndpoint(accountId, livemode, endpointId);
      if (!endpoint.ok) return endpoint;
      const now = clock.now();
      const event: OutboundEvent = {
        id: `evt_rec_${randomBytes(12).toString('hex')}`,
        object: 'event',
        type: 'ping',
        created: Math.floor(now.getTime() / 1000),
        livemode,
        account: accountId,
        sequence: null,
        data: { object: { object: 'ping', endpointId, message: 'A test event sent from the recovery App or API.' } },
      };
      await deps.events.storeOnce(event, now);
      await deliveries.ensure({ accountId, livemode, endpointId, eventId: event.id, eventType: 'ping', nextAttemptAt: now, createdAt: now });
      deps.onQueued?.();
      return { ok: true, value: { event, delivery: (await deliveries.findByEvent(accountId, livemode, endpointId, event.id))! } };
    },
  };
}
