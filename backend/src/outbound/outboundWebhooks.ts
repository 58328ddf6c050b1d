import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { SecretBox } from '../accounts';
import type { Mailer } from '../dunning';
import type { Clock } from '../clock';
import { createDeliveryService, type DeliveryService } from './deliveryService';
import { createDeliveryStore, type DeliveryStore } from './deliveryStore';
import { createDisabledEndpointNotice } from './endpointDisabledEmail';
import { createEndpointService, type EndpointService } from './endpointService';
import { createEndpointStore, type EndpointStore } from './endpointStore';
import type { OutboundEventSink } from './outboundEvent';
import { createOutboundEventStore } from './outboundEventStore';
import { createWebhookPublisher } from './webhookPublisher';
import { createWebhookSender } from './webhookSender';

/** Everything the delivery side of outbound webhooks offers the app, the worker and the outbox relay. */
export interface OutboundWebhooks {
  /** Where the outbox relay publishes case events. */
  publisher: OutboundEventSink;
  endpoints: EndpointService;
  endpointStore: EndpointStore;
  deliveries: DeliveryService;
  deliveryStore: DeliveryStore;
}

/** Longest a claimed delivery stays with a worker before another may take it: past the 10 s timeout, with room. */
export const MAX_DELIVERY_LEASE_MS = 30_000;

/** Builds the outbound webhook parts (called once, by container.ts). */
export function createOutboundWebhooks(deps: {
  connection: Connection;
  secrets: SecretBox;
  mailer: Mailer | null;
  emailFrom: string;
  accountEmailOf: (accountId: string, livemode: boolean) => Promise<string | null>;
  allowLocalUrls: boolean;
  clock: Clock;
  logger: Logger;
  instanceId: string;
  workerLeaseMs: number;
  onQueued: () => void;
}): OutboundWebhooks {
  const endpointStore = createEndpointStore(deps.connection);
  const deliveryStore = createDeliveryStore(deps.connection);
  const events = createOutboundEventStore(deps.connection);
  const endpoints = createEndpointService({ endpoints: endpointStore, secrets: deps.secrets, allowLocalUrls: deps.allowLocalUrls });
  const deliveries = createDeliveryService({
    deliveries: deliveryStore,
    endpoints: endpointStore,
    endpointService: endpoints,
    events,
    sender: createWebhookSender({ allowLocal: deps.allowLocalUrls }),
    notifyDisabled: createDisabledEndpointNotice({ mailer: deps.mailer, from: deps.emailFrom, accountEmailOf: deps.accountEmailOf, logger: deps.logger }),
    clock: deps.clock,
    logger: deps.logger,
    instanceId: deps.instanceId,
    leaseMs: Math.min(deps.workerLeaseMs, MAX_DELIVERY_LEASE_MS),
    onQueued: deps.onQueued,
  });
  const publisher = createWebhookPublisher({ events, endpoints: endpointStore, deliveries: deliveryStore, clock: deps.clock, logger: deps.logger, onDeliveriesCreated: deps.onQueued });
  return { publisher, endpoints, endpointStore, deliveries, deliveryStore };
}
