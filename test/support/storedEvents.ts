import type { StoredStripeEvent } from '../../backend/src/webhooks';
import { SELF_HOSTED_ACCOUNT } from './testApp';

/**
 * A Stripe event as the event store keeps it: the self-hosted account's, test mode, pending and not leased,
 * received at `receivedAt`. Each test overrides what its story needs (a failed event, a crashed instance's lease).
 */
export function storedEvent(event: Record<string, unknown>, receivedAt: Date, fields: Partial<StoredStripeEvent> = {}): StoredStripeEvent {
  return {
    eventId: event.id as string,
    accountId: SELF_HOSTED_ACCOUNT,
    livemode: false,
    isAppInstall: false,
    type: event.type as string,
    objectId: (event.data as { object: { id: string } }).object.id,
    eventCreatedAt: new Date((event.created as number) * 1000),
    payload: JSON.stringify(event),
    status: 'pending',
    attempts: 0,
    leaseOwner: null,
    leaseUntil: receivedAt,
    outcome: null,
    lastError: null,
    receivedAt,
    handledAt: null,
    ...fields,
  };
}
