import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { DeliveryStore } from './deliveryStore';
import type { EndpointStore } from './endpointStore';
import type { OutboundEvent, OutboundEventSink } from './outboundEvent';
import type { OutboundEventStore } from './outboundEventStore';
import { isSubscribed, type WebhookEndpoint } from './webhookEndpoint';

/**
 * The delivery side of the outbox: stores each event once (by id) and creates
 * one delivery per enabled endpoint of the event's account and mode that
 * subscribes to its type and existed when the event was first published.
 * Publishing again (a relay that crashed halfway) completes what is missing
 * and creates nothing twice. An event no endpoint wants is not stored at all
 * (most merchants have none): only logged at debug level, as every event is.
 */
export function createWebhookPublisher(deps: {
  events: OutboundEventStore;
  endpoints: EndpointStore;
  deliveries: DeliveryStore;
  clock: Clock;
  logger: Logger;
  /** Called after new deliveries were created, so the delivery job can start now. */
  onDeliveriesCreated?: () => void;
}): OutboundEventSink {
  return {
    async publish(events: OutboundEvent[]) {
      const endpointsByMode = new Map<string, Promise<WebhookEndpoint[]>>();
      let created = 0;
      for (const event of events) {
        const caseId = (event.data.object as { id?: unknown }).id;
        deps.logger.debug({ eventId: event.id, type: event.type, sequence: event.sequence, accountId: event.account, caseId }, 'outbound event published');
        const key = `${event.account}:${event.livemode}`;
        if (!endpointsByMode.has(key)) endpointsByMode.set(key, deps.endpoints.list(event.account, event.livemode));
        const wanting = (await endpointsByMode.get(key)!).filter((endpoint) => endpoint.status === 'enabled' && isSubscribed(endpoint, event.type));
        if (wanting.length === 0) continue;
        const now = deps.clock.now();
        const stored = await deps.events.storeOnce(event, now);
        const targets = wanting.filter((endpoint) => endpoint.createdAt <= stored.publishedAt);
        for (const endpoint of targets) {
          const isNew = await deps.deliveries.ensure({ accountId: event.account, livemode: event.livemode, endpointId: endpoint.id, eventId: event.id, eventType: event.type, nextAttemptAt: now, createdAt: now });
          if (isNew) created += 1;
        }
      }
      if (created > 0) deps.onDeliveriesCreated?.();
    },
  };
}
