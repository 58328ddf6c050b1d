/**
 * What merchants' own systems are told when a recovery case changes: events
 * shaped like Stripe's, delivered to the webhook endpoints they register.
 * This file is the contract between the outbox (which writes events in the
 * same database write as the case change) and the delivery side (endpoints,
 * signatures, attempts).
 */

/** Every event a recovery case can cause, in one list (documented in the merchant API docs). */
export const RECOVERY_EVENT_TYPES = [
  /** A failed payment became a recovery case. */
  'recovery.case_opened',
  /** One of our retries was declined. */
  'recovery.retry_failed',
  /** Recovery waits for the customer: a card-network rule or a never-retry decline forbids retrying this card. */
  'recovery.blocked',
  /** The merchant should look: the customer's email bounces, or the customer must authenticate. */
  'recovery.needs_attention',
  /** The money came back; `data.object.outcome.recoveredBy` says how. */
  'recovery.succeeded',
  /** The case ended without the money: exhausted, churned or canceled. */
  'recovery.failed',
  /** A dunning email to the customer bounced or was marked as spam. */
  'recovery.email_bounced',
] as const;

export type RecoveryEventType = (typeof RECOVERY_EVENT_TYPES)[number];

/** Events about a customer's upcoming renewal (issue 14), not about a case. */
export const RENEWAL_EVENT_TYPES = [
  /** An upcoming renewal's risk score reached the merchant's alert threshold; once per renewal period. `data.object` is a RenewalRiskView. */
  'customer.renewal_at_risk',
] as const;

export type RenewalEventType = (typeof RENEWAL_EVENT_TYPES)[number];

/** Every type an endpoint can subscribe to: the case events, the renewal events and the merchant's own test ping. */
export const OUTBOUND_EVENT_TYPES = [...RECOVERY_EVENT_TYPES, ...RENEWAL_EVENT_TYPES, 'ping'] as const;

export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** One event exactly as a merchant's endpoint receives it (the JSON body). */
export interface OutboundEvent {
  /** `evt_rec_…` (a case's) or `evt_risk_…` (a renewal's), stable across re-deliveries, so receivers can dedupe by it. */
  id: string;
  object: 'event';
  type: OutboundEventType;
  /** Unix seconds, when the case change happened. */
  created: number;
  livemode: boolean;
  /** The merchant's Stripe account id. */
  account: string;
  /** The case's events are numbered 1, 2, 3… in the order they happened; null on a ping and on renewal events. */
  sequence: number | null;
  data: { object: Record<string, unknown> };
}

/**
 * Where events go once the case change that caused them is saved. Publishing
 * the same event twice (same id) has the effect of publishing it once: a
 * crashed relay publishes again.
 */
export interface OutboundEventSink {
  publish(events: OutboundEvent[]): Promise<void>;
}
