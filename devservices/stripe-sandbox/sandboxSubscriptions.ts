import type { SandboxBilling } from './sandboxBilling';
import { newId, type Json, type SandboxState } from './sandboxState';
import { missing, SandboxError } from './stripeErrors';
import type { WebhookSender } from './webhookSender';

export type BillingInterval = 'day' | 'week' | 'month' | 'year';

export interface NewSubscription {
  customer: string;
  amount: number;
  currency: string;
  quantity?: number;
  default_payment_method?: string | null;
  interval?: BillingInterval;
  intervalCount?: number;
  /** Unix seconds; default: one interval from now. */
  currentPeriodEnd?: number;
}

interface Item {
  quantity: number;
  current_period_start: number;
  current_period_end: number;
  price: { unit_amount: number; currency: string; recurring: { interval: BillingInterval; interval_count: number } };
}

/**
 * Subscriptions and their billing periods. The period end is on the
 * subscription (older API versions) and on its item (basil and later), so
 * both readings of it can be exercised. A renewal moves the period on, then
 * bills it.
 */
export class SandboxSubscriptions {
  constructor(
    private readonly state: SandboxState,
    private readonly billing: SandboxBilling,
    private readonly events: WebhookSender,
  ) {}

  create(account: string, params: NewSubscription): Json {
    this.billing.customer(account, params.customer);
    const recurring = { interval: params.interval ?? 'month', interval_count: params.intervalCount ?? 1 };
    const start = this.state.nowSeconds();
    const end = params.currentPeriodEnd ?? advance(start, recurring);
    const item = { id: newId('si'), object: 'subscription_item', quantity: params.quantity ?? 1, current_period_start: start, current_period_end: end, price: { id: newId('price'), object: 'price', unit_amount: params.amount, currency: params.currency, recurring } };
    const subscription: Json = {
      id: newId('sub'),
      object: 'subscription',
      created: start,
      customer: params.customer,
      status: 'active',
      cancel_at_period_end: false,
      current_period_start: start,
      current_period_end: end,
      default_payment_method: params.default_payment_method ?? null,
      currency: params.currency,
      items: { object: 'list', data: [item] },
      metadata: {},
      livemode: this.state.livemode,
    };
    this.state.account(account).subscriptions.set(subscription.id as string, subscription);
    this.events.emit(account, 'customer.subscription.created', subscription);
    return subscription;
  }

  get(account: string, id: string): Json {
    const found = this.state.account(account).subscriptions.get(id);
    if (!found) throw missing('subscription', id);
    return found;
  }

  update(account: string, id: string, params: Json, idempotencyKey: string | null): Json {
    const subscription = this.get(account, id);
    const previous: Json = {};
    if ('default_payment_method' in params) {
      previous.default_payment_method = subscription.default_payment_method;
      subscription.default_payment_method = params.default_payment_method ? this.billing.paymentMethod(account, String(params.default_payment_method)).id : null;
    }
    if ('cancel_at_period_end' in params) {
      previous.cancel_at_period_end = subscription.cancel_at_period_end;
      // Form-encoded: booleans arrive as strings.
      subscription.cancel_at_period_end = params.cancel_at_period_end === true || params.cancel_at_period_end === 'true';
    }
    if (Object.keys(previous).length > 0) this.events.emit(account, 'customer.subscription.updated', subscription, { previous, idempotencyKey });
    return subscription;
  }

  cancel(account: string, id: string, idempotencyKey: string | null): Json {
    const subscription = this.get(account, id);
    if (subscription.status !== 'canceled') {
      subscription.status = 'canceled';
      subscription.canceled_at = this.state.nowSeconds();
      this.events.emit(account, 'customer.subscription.deleted', subscription, { idempotencyKey });
    }
    return subscription;
  }

  /** What the next renewal will bill: the plan's price × quantity. */
  amountOf(subscription: Json): { amount: number; currency: string } {
    const item = itemOf(subscription);
    return { amount: item.price.unit_amount * item.quantity, currency: item.price.currency };
  }

  /** invoice.upcoming, as Stripe sends it some days before the period ends (an invoice without an id). */
  emitUpcoming(account: string, id: string): Json {
    const subscription = this.get(account, id);
    const item = itemOf(subscription);
    const { amount, currency } = this.amountOf(subscription);
    const customer = this.billing.customer(account, subscription.customer as string);
    const upcoming: Json = {
      object: 'invoice',
      customer: customer.id,
      customer_email: customer.email,
      currency,
      amount_due: amount,
      total: amount,
      status: 'draft',
      billing_reason: 'upcoming',
      period_start: item.current_period_start,
      period_end: item.current_period_end,
      next_payment_attempt: item.current_period_end + 3600,
      parent: { type: 'subscription_details', subscription_details: { subscription: id, metadata: {} } },
      livemode: this.state.livemode,
    };
    return this.events.emit(account, 'invoice.upcoming', upcoming);
  }

  /** The period moves on (customer.subscription.updated); the caller then bills the new period. */
  advancePeriod(account: string, id: string): Json {
    const subscription = this.get(account, id);
    if (subscription.status === 'canceled') throw new SandboxError(400, { type: 'invalid_request_error', message: 'A canceled subscription does not renew.' });
    const item = itemOf(subscription);
    const previous = { current_period_start: item.current_period_start, current_period_end: item.current_period_end };
    item.current_period_start = item.current_period_end;
    item.current_period_end = advance(item.current_period_end, item.price.recurring);
    Object.assign(subscription, { current_period_start: item.current_period_start, current_period_end: item.current_period_end });
    this.events.emit(account, 'customer.subscription.updated', subscription, { previous });
    return subscription;
  }
}

function itemOf(subscription: Json): Item {
  return (subscription.items as { data: Item[] }).data[0]!;
}

/** One billing interval on, by the calendar (UTC) as Stripe counts months and years. */
function advance(seconds: number, recurring: { interval: BillingInterval; interval_count: number }): number {
  const at = new Date(seconds * 1000);
  const count = recurring.interval_count;
  if (recurring.interval === 'day') at.setUTCDate(at.getUTCDate() + count);
  if (recurring.interval === 'week') at.setUTCDate(at.getUTCDate() + 7 * count);
  if (recurring.interval === 'month') at.setUTCMonth(at.getUTCMonth() + count);
  if (recurring.interval === 'year') at.setUTCFullYear(at.getUTCFullYear() + count);
  return Math.floor(at.getTime() / 1000);
}
