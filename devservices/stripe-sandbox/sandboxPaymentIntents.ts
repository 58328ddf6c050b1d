import { newId, type Json, type SandboxState } from './sandboxState';
import type { SandboxBilling } from './sandboxBilling';
import { invalid, missing, SandboxError } from './stripeErrors';
import type { WebhookSender } from './webhookSender';

/** Statuses from which Stripe lets a payment intent be confirmed. */
const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

/**
 * One-time payments as Stripe runs them: create (optionally confirming at
 * once), confirm, retrieve and list payment intents; SetupIntents that saved
 * a card for later use. A success emits payment_intent.succeeded (and, with
 * setup_future_usage, attaches the card as Stripe does); a decline emits
 * payment_intent.payment_failed with last_payment_error and answers 402.
 */
export class SandboxPaymentIntents {
  constructor(
    private readonly state: SandboxState,
    private readonly billing: SandboxBilling,
    private readonly events: WebhookSender,
  ) {}

  create(account: string, params: Json, idempotencyKey: string | null): Json {
    const amount = Number(params.amount);
    if (!Number.isInteger(amount) || amount <= 0) throw invalid('Missing required param: amount.', 'amount');
    if (typeof params.currency !== 'string') throw invalid('Missing required param: currency.', 'currency');
    if (params.customer !== undefined) this.billing.customer(account, String(params.customer));
    const pm = typeof params.payment_method === 'string' ? this.billing.paymentMethod(account, params.payment_method) : null;
    const setupFutureUsage = params.setup_future_usage === 'off_session' || params.setup_future_usage === 'on_session' ? params.setup_future_usage : null;
    const id = newId('pi');
    const intent: Json = {
      id,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: 'automatic',
      client_secret: `${id}_secret_${newId('s').slice(2)}`,
      confirmation_method: 'automatic',
      created: this.state.nowSeconds(),
      currency: params.currency.toLowerCase(),
      customer: params.customer ?? null,
      description: params.description ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: this.state.livemode,
      metadata: (params.metadata as Json | undefined) ?? {},
      next_action: null,
      payment_method: pm ? pm.id : null,
      payment_method_options: { card: { mandate_options: (cardOptions(params).mandate_options as Json | undefined) ?? null, setup_future_usage: cardOptions(params).setup_future_usage ?? null } },
      payment_method_types: ['card'],
      receipt_email: params.receipt_email ?? null,
      setup_future_usage: setupFutureUsage,
      status: pm ? 'requires_confirmation' : 'requires_payment_method',
    };
    this.state.account(account).paymentIntents.set(id, intent);
    this.events.emit(account, 'payment_intent.created', intent, { idempotencyKey });
    if (isTrue(params.confirm)) return this.confirm(account, id, { off_session: params.off_session }, idempotencyKey);
    return intent;
  }

  retrieve(account: string, id: string): Json {
    const intent = this.state.account(account).paymentIntents.get(id);
    if (!intent) throw missing('payment_intent', id);
    return intent;
  }

  /** Newest first, as Stripe lists; filters by customer and `created[gte]`. */
  list(account: string, query: Json): Json[] {
    const createdGte = Number((query.created as Json | undefined)?.gte ?? 0);
    return [...this.state.account(account).paymentIntents.values()]
      .filter((intent) => (!query.customer || intent.customer === query.customer) && (intent.created as number) >= createdGte)
      .sort((a, b) => (b.created as number) - (a.created as number));
  }

  confirm(account: string, id: string, params: Json, idempotencyKey: string | null): Json {
    const intent = this.retrieve(account, id);
    if (!CONFIRMABLE.includes(intent.status as string)) {
      throw invalid(`This PaymentIntent's status is ${String(intent.status)}, but it must be one of ${CONFIRMABLE.join(', ')} to be confirmed.`, undefined, 'payment_intent_unexpected_state');
    }
    const pmId = (params.payment_method as string | undefined) ?? (intent.payment_method as string | null);
    if (!pmId) throw invalid('You cannot confirm this PaymentIntent because it is missing a payment method.', 'payment_method');
    const pm = this.billing.paymentMethod(account, pmId);
    intent.payment_method = pm.id;
    const outcome = this.billing.charge(account, pm, null, id, idempotencyKey);
    if (outcome.kind === 'succeeded') {
      Object.assign(intent, { status: 'succeeded', amount_received: intent.amount, last_payment_error: null, latest_charge: newId('ch') });
      if (intent.setup_future_usage && intent.customer && pm.customer !== intent.customer) {
        // Stripe saves the card to the customer when a payment set up for future use succeeds.
        this.billing.attach(account, pm.id as string, intent.customer as string, idempotencyKey);
      }
      this.events.emit(account, 'payment_intent.succeeded', intent, { idempotencyKey });
      return intent;
    }
    if (outcome.kind === 'requires_action' && !isTrue(params.off_session)) {
      Object.assign(intent, { status: 'requires_action', next_action: { type: 'use_stripe_sdk', use_stripe_sdk: {} } });
      this.events.emit(account, 'payment_intent.requires_action', intent, { idempotencyKey });
      return intent;
    }
    // Off-session, a card that needs authentication declines with authentication_required, as at Stripe.
    const error = outcome.kind === 'requires_action' ? { code: 'authentication_required', decline_code: 'authentication_required' } : outcome.decline;
    Object.assign(intent, {
      status: 'requires_payment_method',
      last_payment_error: { type: 'card_error', message: 'Your card was declined.', ...error, payment_method: pm },
    });
    this.events.emit(account, 'payment_intent.payment_failed', intent, { idempotencyKey });
    throw new SandboxError(402, { type: 'card_error', message: 'Your card was declined.', ...error, payment_intent: intent, payment_method: pm, charge: newId('ch') });
  }

  /** A card saved for later use (the Billing Portal does this for the card a customer adds), as a succeeded SetupIntent. */
  recordSetup(account: string, customerId: string, pm: Json, usage: 'off_session' | 'on_session'): Json {
    const setup: Json = {
      id: newId('seti'),
      object: 'setup_intent',
      created: this.state.nowSeconds(),
      customer: customerId,
      payment_method: pm.id,
      status: 'succeeded',
      usage,
      livemode: this.state.livemode,
      metadata: {},
    };
    this.state.account(account).setupIntents.set(setup.id as string, setup);
    this.events.emit(account, 'setup_intent.succeeded', setup);
    return setup;
  }

  /**
   * The customer disputes a succeeded payment with their bank: a dispute on
   * its charge, told with charge.dispute.created. Like Stripe's, the dispute
   * names the charge and the payment intent, not the customer.
   */
  dispute(account: string, paymentIntentId: string, reason: string): Json {
    const intent = this.retrieve(account, paymentIntentId);
    if (intent.status !== 'succeeded') throw invalid('Only a succeeded payment can be disputed.', 'payment_intent');
    const dispute: Json = {
      id: newId('dp'),
      object: 'dispute',
      amount: intent.amount,
      currency: intent.currency,
      charge: newId('ch'),
      payment_intent: intent.id,
      reason,
      status: 'needs_response',
      is_charge_refundable: false,
      created: this.state.nowSeconds(),
      metadata: {},
      livemode: this.state.livemode,
    };
    this.events.emit(account, 'charge.dispute.created', dispute);
    return dispute;
  }

  listSetups(account: string, query: Json): Json[] {
    return [...this.state.account(account).setupIntents.values()]
      .filter((setup) => (!query.customer || setup.customer === query.customer) && (!query.payment_method || setup.payment_method === query.payment_method))
      .sort((a, b) => (b.created as number) - (a.created as number));
  }
}

function cardOptions(params: Json): Json {
  return ((params.payment_method_options as Json | undefined)?.card as Json | undefined) ?? {};
}

/** Form-encoded booleans arrive as strings. */
function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
