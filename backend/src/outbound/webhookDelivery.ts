import type { OutboundEventType } from './outboundEvent';

/** One try to hand an event to an endpoint, as logged for the merchant. */
export interface DeliveryAttempt {
  at: Date;
  /** Null when no HTTP answer came (refused, timed out, address not allowed). */
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** pending: not tried yet (or resent); failed: the last attempt failed, another follows at nextAttemptAt; abandoned: given up. */
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'abandoned';

/** One event on its way to one endpoint. */
export interface WebhookDelivery {
  id: string;
  accountId: string;
  livemode: boolean;
  endpointId: string;
  eventId: string;
  eventType: OutboundEventType;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  nextAttemptAt: Date | null;
  /** When the current 3-day retry window began: the first attempt, or the first after a resend. */
  windowStartedAt: Date | null;
  createdAt: Date;
}

export interface DeliveryView {
  id: string;
  object: 'webhook_delivery';
  endpointId: string;
  eventId: string;
  eventType: OutboundEventType;
  status: DeliveryStatus;
  attempts: Array<{ at: string; statusCode: number | null; latencyMs: number; error: string | null }>;
  nextAttemptAt: string | null;
  createdAt: string;
}

export function deliveryView(delivery: WebhookDelivery): DeliveryView {
  return {
    id: delivery.id,
    object: 'webhook_delivery',
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts.map((attempt) => ({ ...attempt, at: attempt.at.toISOString() })),
    nextAttemptAt: (delivery.status === 'pending' || delivery.status === 'failed') && delivery.nextAttemptAt ? delivery.nextAttemptAt.toISOString() : null,
    createdAt: delivery.createdAt.toISOString(),
  };
}
