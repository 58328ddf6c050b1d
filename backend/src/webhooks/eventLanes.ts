import type { StoredStripeEvent } from './stripeEventStore';

/**
 * Splits a claimed batch of events into lanes: lanes are handled side by
 * side, the events of one lane one after another, oldest first by Stripe's
 * `created` (then by arrival). Events that may touch the same case share a
 * lane, so two events of one invoice are never applied at the same time nor
 * out of Stripe's order:
 *
 * - a customer's events share a lane: their invoices' failures and payments,
 *   a new card (which reaches every case of theirs), a cancelled subscription,
 *   and a one-time payment that may settle another of their payments;
 * - an event without a customer shares the lane of its object (invoice,
 *   payment intent);
 * - when the batch holds an install or uninstall of an account, every event of
 *   that account and mode shares one lane: an uninstall closes all its cases,
 *   and what comes after it in Stripe's order must see it.
 *
 * Example: [in_1 failed 12:00:01, cus_b's card 12:00:00, in_1 failed 12:00:00]
 * (both in_1 events of cus_a) → lanes [[in_1 12:00:00, in_1 12:00:01], [cus_b's card]].
 */
export function lanesOf(events: StoredStripeEvent[]): EventLane[] {
  const scopeOf = (event: StoredStripeEvent) => `${event.accountId}|${event.livemode ? 'live' : 'test'}`;
  const accountWide = new Set(events.filter((event) => isInstallEvent(event.type)).map(scopeOf));
  const lanes = new Map<string, EventLane>();
  for (const event of events) {
    const scope = scopeOf(event);
    const subject = accountWide.has(scope) ? null : subjectOf(event);
    const key = `${scope}|${subject ?? '*'}`;
    const lane = lanes.get(key);
    if (lane) lane.events.push(event);
    else lanes.set(key, { scope, subject, events: [event] });
  }
  return [...lanes.values()].map((lane) => ({ ...lane, events: lane.events.sort(inStripeOrder) }));
}

/** A lane's events, and what they may touch: one subject (a customer, an object) of an account and mode, or all of it. */
export interface EventLane {
  /** The account and mode. */
  scope: string;
  /** The customer or object; null when the lane holds every event of the scope (an install or uninstall is among them). */
  subject: string | null;
  events: StoredStripeEvent[];
}

/** Whether two lanes may touch the same case: then, in two batches at once, one waits for the other (see laneTurns). */
export function mayTouchSameCase(a: Pick<EventLane, 'scope' | 'subject'>, b: Pick<EventLane, 'scope' | 'subject'>): boolean {
  return a.scope === b.scope && (a.subject === null || b.subject === null || a.subject === b.subject);
}

export const isInstallEvent = (type: string) => type === 'account.application.authorized' || type === 'account.application.deauthorized';

function inStripeOrder(a: StoredStripeEvent, b: StoredStripeEvent): number {
  return a.eventCreatedAt.getTime() - b.eventCreatedAt.getTime() || a.receivedAt.getTime() - b.receivedAt.getTime();
}

/** The customer the event is about, else its object, else the event itself. */
function subjectOf(event: StoredStripeEvent): string {
  const customer = customerOf(event.payload);
  if (customer) return `customer:${customer}`;
  return event.objectId ? `object:${event.objectId}` : `event:${event.eventId}`;
}

function customerOf(payload: string): string | null {
  let object: { object?: unknown; id?: unknown; customer?: unknown } | undefined;
  try {
    object = (JSON.parse(payload) as { data?: { object?: typeof object } }).data?.object;
  } catch {
    return null;
  }
  if (!object) return null;
  if (object.object === 'customer' && typeof object.id === 'string') return object.id;
  if (typeof object.customer === 'string') return object.customer;
  // An expanded customer.
  const expanded = object.customer as { id?: unknown } | null | undefined;
  return typeof expanded?.id === 'string' ? expanded.id : null;
}
