import { createHash } from 'node:crypto';
import { SandboxPaymentIntents } from './sandboxPaymentIntents';
import { SandboxSubscriptions, type NewSubscription } from './sandboxSubscriptions';
import { newId, type CardBehaviour, type Json, type SandboxState, type ScriptedDecline } from './sandboxState';
import { invalid, missing, SandboxError } from './stripeErrors';
import type { WebhookSender } from './webhookSender';

/** Stripe's test payment-method tokens the sandbox understands. */
const TEST_TOKENS: Record<string, { brand: string; last4: string; behaviour: CardBehaviour }> = {
  pm_card_visa: { brand: 'visa', last4: '4242', behaviour: { declines: [], then: 'succeed' } },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', behaviour: { declines: [], then: 'succeed' } },
  pm_card_chargeCustomerFail: { brand: 'visa', last4: '0341', behaviour: { declines: [{ code: 'card_declined', decline_code: 'generic_decline' }], then: 'repeat_last' } },
  pm_card_visa_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995', behaviour: { declines: [{ code: 'card_declined', decline_code: 'insufficient_funds' }], then: 'repeat_last' } },
};

/** What a scripted card says about itself, beyond brand and number. */
export interface CardFacts {
  expMonth?: number;
  expYear?: number;
  funding?: 'credit' | 'debit' | 'prepaid' | 'unknown';
  country?: string | null;
}

/** The billing objects and what happens when they are charged. */
export class SandboxBilling {
  /** One-time payments and saved cards (payment and setup intents). */
  readonly paymentIntents: SandboxPaymentIntents;
  /** Subscriptions, their periods and their upcoming invoices. */
  readonly subscriptions: SandboxSubscriptions;

  constructor(
    private readonly state: SandboxState,
    private readonly events: WebhookSender,
  ) {
    this.paymentIntents = new SandboxPaymentIntents(state, this, events);
    this.subscriptions = new SandboxSubscriptions(state, this, events);
  }

  /** The account installs (or uninstalls) the App: Stripe tells the platform with account.application.* events. */
  authorizeApp(account: string, authorized = true): Json {
    const application: Json = { id: 'ca_sandbox_recovery_app', object: 'application', name: 'Payment recovery' };
    return this.events.emit(account, authorized ? 'account.application.authorized' : 'account.application.deauthorized', application);
  }

  customer(account: string, id: string): Json {
    const found = this.state.account(account).customers.get(id);
    if (!found) throw missing('customer', id);
    return found;
  }

  createCustomer(account: string, params: Json): Json {
    const customer: Json = {
      id: newId('cus'),
      object: 'customer',
      created: this.state.nowSeconds(),
      email: params.email ?? null,
      name: params.name ?? null,
      address: params.address ?? null,
      shipping: null,
      preferred_locales: localesOf(params.preferred_locales),
      invoice_settings: { default_payment_method: null },
      metadata: params.metadata ?? {},
      livemode: this.state.livemode,
    };
    this.state.account(account).customers.set(customer.id as string, customer);
    return customer;
  }

  updateCustomer(account: string, id: string, params: Json, idempotencyKey: string | null): Json {
    const customer = this.customer(account, id);
    const previous: Json = {};
    const settings = params.invoice_settings as Json | undefined;
    if (settings && 'default_payment_method' in settings) {
      const pm = settings.default_payment_method ? this.paymentMethod(account, String(settings.default_payment_method)) : null;
      if (pm && pm.customer !== id) throw invalid('The payment method must be attached to the customer first.', 'invoice_settings[default_payment_method]');
      previous.invoice_settings = { default_payment_method: (customer.invoice_settings as Json).default_payment_method };
      customer.invoice_settings = { default_payment_method: pm ? pm.id : null };
    }
    for (const field of ['email', 'name', 'address', 'metadata', 'preferred_locales'] as const) {
      if (field in params) {
        previous[field] = customer[field];
        customer[field] = field === 'preferred_locales' ? localesOf(params[field]) : params[field];
      }
    }
    if (Object.keys(previous).length > 0) this.events.emit(account, 'customer.updated', customer, { previous, idempotencyKey });
    return customer;
  }

  /**
   * Deletes the customer as Stripe does: their subscriptions are canceled at
   * once (customer.subscription.deleted each), then customer.deleted carries
   * the customer as it was, with `deleted: true` only on the API's answer.
   */
  deleteCustomer(account: string, id: string, idempotencyKey: string | null): Json {
    const customer = this.customer(account, id);
    for (const subscription of this.state.account(account).subscriptions.values()) {
      if (subscription.customer === id && subscription.status !== 'canceled') this.subscriptions.cancel(account, subscription.id as string, idempotencyKey);
    }
    this.state.account(account).customers.delete(id);
    this.events.emit(account, 'customer.deleted', customer, { idempotencyKey });
    return { id, object: 'customer', deleted: true };
  }

  /** A sandbox card: from a Stripe test token or from a scripted behaviour. */
  createPaymentMethod(account: string, options: { brand: string; last4?: string; fingerprint?: string; behaviour: CardBehaviour } & CardFacts): Json {
    const pm: Json = {
      id: newId('pm'),
      object: 'payment_method',
      type: 'card',
      created: this.state.nowSeconds(),
      customer: null,
      livemode: this.state.livemode,
      card: {
        brand: options.brand,
        last4: options.last4 ?? '4242',
        exp_month: options.expMonth ?? 12,
        exp_year: options.expYear ?? 2030,
        funding: options.funding ?? 'credit',
        country: options.country ?? null,
        fingerprint: options.fingerprint ?? newId('fp').slice(3, 19),
      },
      billing_details: {},
      metadata: {},
    };
    this.state.account(account).paymentMethods.set(pm.id as string, pm);
    this.state.behaviours.set(pm.id as string, { behaviour: options.behaviour, attempts: 0 });
    return pm;
  }

  paymentMethod(account: string, id: string): Json {
    const found = this.state.account(account).paymentMethods.get(id);
    if (found) return found;
    const token = TEST_TOKENS[id];
    if (!token) throw missing('payment_method', id);
    // Like Stripe, a test token becomes a new payment method each time it is used.
    return this.createPaymentMethod(account, { brand: token.brand, last4: token.last4, fingerprint: createHash('sha256').update(id).digest('hex').slice(0, 16), behaviour: token.behaviour });
  }

  attach(account: string, pmId: string, customerId: string, idempotencyKey: string | null): Json {
    const pm = this.paymentMethod(account, pmId);
    this.customer(account, customerId);
    pm.customer = customerId;
    this.events.emit(account, 'payment_method.attached', pm, { idempotencyKey });
    return pm;
  }

  /** The card networks' account updater: the issuer sent a new expiry (and maybe number) for this card. */
  updateCardByNetwork(account: string, id: string, card: { expMonth: number; expYear: number; last4?: string }): Json {
    const pm = this.paymentMethod(account, id);
    const current = pm.card as Json;
    const previous: Json = { exp_month: current.exp_month, exp_year: current.exp_year, ...(card.last4 ? { last4: current.last4 } : {}) };
    Object.assign(current, { exp_month: card.expMonth, exp_year: card.expYear, ...(card.last4 ? { last4: card.last4 } : {}) });
    this.events.emit(account, 'payment_method.automatically_updated', pm, { previous: { card: previous } });
    return pm;
  }

  createSubscription(account: string, params: NewSubscription): Json {
    return this.subscriptions.create(account, params);
  }

  subscription(account: string, id: string): Json {
    return this.subscriptions.get(account, id);
  }

  updateSubscription(account: string, id: string, params: Json, idempotencyKey: string | null): Json {
    return this.subscriptions.update(account, id, params, idempotencyKey);
  }

  cancelSubscription(account: string, id: string, idempotencyKey: string | null): Json {
    return this.subscriptions.cancel(account, id, idempotencyKey);
  }

  /** A renewal: the period moves on, a new open invoice, then Stripe's first automatic attempt on the default card (which may fail). */
  renew(account: string, subscriptionId: string, options: { nextAttemptInHours?: number | null } = {}): Json {
    const subscription = this.subscriptions.advancePeriod(account, subscriptionId);
    const { amount, currency } = this.subscriptions.amountOf(subscription);
    const customer = this.customer(account, subscription.customer as string);
    const invoice: Json = {
      id: newId('in'),
      object: 'invoice',
      created: this.state.nowSeconds(),
      customer: customer.id,
      customer_email: customer.email,
      customer_name: customer.name,
      currency,
      amount_due: amount,
      amount_paid: 0,
      amount_remaining: amount,
      attempt_count: 0,
      attempted: false,
      next_payment_attempt: null,
      status: 'open',
      paid_out_of_band: false,
      billing_reason: 'subscription_cycle',
      hosted_invoice_url: `https://invoice.stripe.test/i/${account}/${newId('inv')}`,
      parent: { type: 'subscription_details', subscription_details: { subscription: subscriptionId, metadata: {} } },
      status_transitions: { paid_at: null, finalized_at: this.state.nowSeconds() },
      livemode: this.state.livemode,
    };
    this.state.account(account).invoices.set(invoice.id as string, invoice);
    this.events.emit(account, 'invoice.finalized', invoice);
    const hours = options.nextAttemptInHours === undefined ? 72 : options.nextAttemptInHours;
    try {
      this.payInvoice(account, invoice.id as string, { off_session: true }, null, { automatic: true, nextAttemptInHours: hours });
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
    }
    return invoice;
  }

  invoice(account: string, id: string): Json {
    const found = this.state.account(account).invoices.get(id);
    if (!found) throw missing('invoice', id);
    return found;
  }

  /** invoices.pay: charges the given card, the subscription's default, or the customer's default. */
  payInvoice(account: string, id: string, params: Json, idempotencyKey: string | null, automatic: { automatic: boolean; nextAttemptInHours: number | null } = { automatic: false, nextAttemptInHours: null }): Json {
    const invoice = this.invoice(account, id);
    if (invoice.status === 'paid') throw invalid('Invoice is already paid', undefined, 'invoice_already_paid');
    if (invoice.status !== 'open') throw invalid(`You can only pay an open invoice; this one is ${invoice.status}.`, undefined, 'invoice_not_open');
    const subscription = this.subscriptionOf(account, invoice);
    const customer = this.customer(account, invoice.customer as string);
    const pmId = (params.payment_method as string | undefined) ?? (subscription?.default_payment_method as string | null) ?? ((customer.invoice_settings as Json).default_payment_method as string | null);
    if (!pmId) throw invalid('This customer has no attached payment source or default payment method.', 'payment_method');
    const pm = this.paymentMethod(account, pmId);
    const intent = this.intentFor(account, invoice, pm);
    invoice.attempt_count = (invoice.attempt_count as number) + 1;
    invoice.attempted = true;
    const outcome = this.charge(account, pm, invoice.id as string, intent.id as string, idempotencyKey);

    if (outcome.kind === 'succeeded') {
      Object.assign(invoice, { status: 'paid', amount_paid: invoice.amount_due, amount_remaining: 0, next_payment_attempt: null });
      (invoice.status_transitions as Json).paid_at = this.state.nowSeconds();
      Object.assign(intent, { status: 'succeeded', last_payment_error: null, payment_method: pm.id });
      if (subscription && subscription.status === 'past_due') subscription.status = 'active';
      for (const type of ['invoice.paid', 'invoice.payment_succeeded']) this.events.emit(account, type, invoice, { idempotencyKey });
      this.events.emit(account, 'payment_intent.succeeded', intent, { idempotencyKey });
      return invoice;
    }
    const error = outcome.kind === 'requires_action' ? { code: 'authentication_required', decline_code: 'authentication_required' } : outcome.decline;
    Object.assign(intent, {
      status: outcome.kind === 'requires_action' ? 'requires_action' : 'requires_payment_method',
      last_payment_error: { type: 'card_error', message: 'Your card was declined.', ...error, payment_method: pm },
    });
    invoice.next_payment_attempt = automatic.nextAttemptInHours !== null && automatic.automatic ? this.state.nowSeconds() + automatic.nextAttemptInHours * 3600 : invoice.next_payment_attempt;
    if (subscription && subscription.status === 'active') {
      subscription.status = 'past_due';
      this.events.emit(account, 'customer.subscription.updated', subscription, { previous: { status: 'active' } });
    }
    this.events.emit(account, outcome.kind === 'requires_action' ? 'invoice.payment_action_required' : 'invoice.payment_failed', invoice, { idempotencyKey });
    this.events.emit(account, 'payment_intent.payment_failed', intent, { idempotencyKey });
    throw new SandboxError(402, { type: 'card_error', message: 'Your card was declined.', ...error, payment_intent: intent, payment_method: pm, charge: newId('ch') });
  }

  private subscriptionOf(account: string, invoice: Json): Json | null {
    const id = ((invoice.parent as Json | null)?.subscription_details as Json | undefined)?.subscription as string | undefined;
    return id ? (this.state.account(account).subscriptions.get(id) ?? null) : null;
  }

  /** One payment intent per invoice, reused across attempts as Stripe does; linked through an invoice payment. */
  private intentFor(account: string, invoice: Json, pm: Json): Json {
    const data = this.state.account(account);
    const existing = [...data.invoicePayments.values()].find((payment) => payment.invoice === invoice.id);
    if (existing) return data.paymentIntents.get((existing.payment as Json).payment_intent as string)!;
    const intent: Json = {
      id: newId('pi'),
      object: 'payment_intent',
      created: this.state.nowSeconds(),
      amount: invoice.amount_due,
      currency: invoice.currency,
      customer: invoice.customer,
      status: 'requires_payment_method',
      payment_method: pm.id,
      last_payment_error: null,
      livemode: this.state.livemode,
    };
    data.paymentIntents.set(intent.id as string, intent);
    const payment: Json = { id: newId('inpay'), object: 'invoice_payment', invoice: invoice.id, is_default: true, status: 'open', amount_requested: invoice.amount_due, currency: invoice.currency, payment: { type: 'payment_intent', payment_intent: intent.id }, created: this.state.nowSeconds(), livemode: this.state.livemode };
    data.invoicePayments.set(payment.id as string, payment);
    return intent;
  }

  /** Decides a charge from the card's script and records it. */
  charge(account: string, pm: Json, invoiceId: string | null, intentId: string, idempotencyKey: string | null): { kind: 'succeeded' } | { kind: 'requires_action' } | { kind: 'declined'; decline: ScriptedDecline } {
    const script = this.state.behaviours.get(pm.id as string) ?? { behaviour: { declines: [], then: 'succeed' as const }, attempts: 0 };
    const { behaviour } = script;
    let outcome: ReturnType<SandboxBilling['charge']>;
    const card = pm.card as Json;
    // A card is good through the last day of its expiry month (sandbox clock).
    if (Date.UTC(card.exp_year as number, card.exp_month as number, 1) <= this.state.now().getTime()) outcome = { kind: 'declined', decline: { code: 'expired_card', decline_code: 'expired_card' } };
    else if (behaviour.requiresAction) outcome = { kind: 'requires_action' };
    else if (script.attempts < behaviour.declines.length) outcome = { kind: 'declined', decline: behaviour.declines[script.attempts]! };
    else if (behaviour.then === 'repeat_last' && behaviour.declines.length > 0) outcome = { kind: 'declined', decline: behaviour.declines.at(-1)! };
    else if (behaviour.succeedOnDaysOfMonth && !behaviour.succeedOnDaysOfMonth.includes(this.state.now().getUTCDate())) {
      outcome = { kind: 'declined', decline: { code: 'card_declined', decline_code: 'insufficient_funds' } };
    } else outcome = { kind: 'succeeded' };
    script.attempts += 1;
    this.state.behaviours.set(pm.id as string, script);
    this.state.charges.push({
      account,
      invoice: invoiceId,
      paymentIntent: intentId,
      paymentMethod: pm.id as string,
      fingerprint: (pm.card as Json).fingerprint as string,
      idempotencyKey,
      outcome: outcome.kind,
      declineCode: outcome.kind === 'declined' ? (outcome.decline.decline_code ?? outcome.decline.code) : null,
      at: this.state.now().toISOString(),
    });
    return outcome;
  }
}

/** Stripe's `preferred_locales`: a list of language tags, sent form-encoded as an array (or an indexed object); empty when unset. */
const localesOf = (value: unknown): string[] => (Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : []).filter((tag): tag is string => typeof tag === 'string' && tag !== '');
