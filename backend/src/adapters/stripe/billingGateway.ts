import Stripe from 'stripe';
import type { AccountRef, BillingGateway, InvoiceSnapshot, SubscriptionSnapshot } from '../../recovery';
import { fetchPaymentRecord } from './paymentRecords';
import { renewalCardOf, subscriptionStateOf } from './renewalFacts';
import { declineFrom, idOf, orNull, paymentIntentSnapshot, translateError } from './stripeTranslation';

export { translateError } from './stripeTranslation';

export function createBillingGateway(stripe: Stripe): BillingGateway {
  const as = (account: AccountRef, idempotencyKey?: string): Stripe.RequestOptions => ({
    ...(account.isAppInstall ? { stripeAccount: account.accountId } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });

  return {
    async fetchInvoice(account, invoiceId) {
      // The subscription comes expanded with the invoice: the step checks it before a charge without a request of its own.
      const invoice = await orNull(() => stripe.invoices.retrieve(invoiceId, { expand: ['parent.subscription_details.subscription'] }, as(account)));
      if (!invoice) return null;
      const subscription = invoice.parent?.subscription_details?.subscription ?? null;
      return {
        status: (invoice.status ?? 'draft') as InvoiceSnapshot['status'],
        amountRemainingMinor: invoice.amount_remaining,
        currency: invoice.currency,
        customerId: idOf(invoice.customer),
        subscriptionId: idOf(subscription),
        attemptCount: invoice.attempt_count,
        nextPaymentAttemptAt: invoice.next_payment_attempt ? new Date(invoice.next_payment_attempt * 1000) : null,
        subscription: subscription && typeof subscription === 'object' ? { id: subscription.id, ...subscriptionSnapshotOf(subscription) } : null,
      };
    },

    async fetchCustomer(account, customerId) {
      const customer = await orNull(() => stripe.customers.retrieve(customerId, {}, as(account)));
      if (!customer || customer.deleted) return null;
      const address = customer.address?.country ? customer.address : (customer.shipping?.address ?? null);
      return {
        country: address?.country ?? null,
        state: address?.state ?? null,
        postalCode: address?.postal_code ?? null,
        defaultPaymentMethodId: idOf(customer.invoice_settings?.default_payment_method),
        email: customer.email ?? null,
        name: customer.name ?? null,
        preferredLocales: (customer.preferred_locales ?? []).filter((tag): tag is string => typeof tag === 'string'),
      };
    },

    async payInvoice(account, invoiceId, options) {
      try {
        const paid = await stripe.invoices.pay(
          invoiceId,
          { off_session: true, ...(options.paymentMethodId ? { payment_method: options.paymentMethodId } : {}) },
          as(account, options.idempotencyKey),
        );
        return paid.status === 'paid' ? { kind: 'paid' } : { kind: 'needs_customer_action' };
      } catch (error) {
        if (error instanceof Stripe.errors.StripeCardError) return declineFrom(error);
        throw translateError(error);
      }
    },

    async confirmPayment(account, paymentIntentId, options) {
      try {
        const intent = await stripe.paymentIntents.confirm(
          paymentIntentId,
          { off_session: true, ...(options.paymentMethodId ? { payment_method: options.paymentMethodId } : {}) },
          as(account, options.idempotencyKey),
        );
        return intent.status === 'succeeded' || intent.status === 'processing' ? { kind: 'paid' } : { kind: 'needs_customer_action' };
      } catch (error) {
        if (error instanceof Stripe.errors.StripeCardError) return declineFrom(error);
        throw translateError(error);
      }
    },

    async fetchPaymentIntent(account, paymentIntentId) {
      const intent = await orNull(() => stripe.paymentIntents.retrieve(paymentIntentId, {}, as(account)));
      return intent ? paymentIntentSnapshot(intent) : null;
    },

    async listCustomerPaymentIntents(account, customerId, createdSince) {
      try {
        const page = await stripe.paymentIntents.list({ customer: customerId, created: { gte: Math.floor(createdSince.getTime() / 1000) }, limit: 100 }, as(account));
        return page.data.map(paymentIntentSnapshot);
      } catch (error) {
        throw translateError(error);
      }
    },

    async isSavedForOffSession(account, customerId, paymentMethodId) {
      try {
        const page = await stripe.setupIntents.list({ customer: customerId, payment_method: paymentMethodId, limit: 100 }, as(account));
        return page.data.some((setup) => setup.status === 'succeeded' && setup.usage === 'off_session');
      } catch (error) {
        throw translateError(error);
      }
    },

    async useForFuturePayments(account, target) {
      const places: Array<'customer' | 'subscription'> = [];
      try {
        await stripe.customers.update(
          target.customerId,
          { invoice_settings: { default_payment_method: target.paymentMethodId } },
          as(account, `${target.idempotencyKey}-customer`),
        );
        places.push('customer');
        if (target.subscriptionId) {
          const subscription = await stripe.subscriptions.retrieve(target.subscriptionId, {}, as(account));
          // A subscription's own default wins over the customer's, so it must change too.
          if (subscription.default_payment_method && idOf(subscription.default_payment_method) !== target.paymentMethodId) {
            await stripe.subscriptions.update(
              target.subscriptionId,
              { default_payment_method: target.paymentMethodId },
              as(account, `${target.idempotencyKey}-subscription`),
            );
            places.push('subscription');
          }
        }
        return places;
      } catch (error) {
        throw translateError(error);
      }
    },

    async createCardUpdateSession(account, customerId, returnUrl) {
      try {
        const session = await stripe.billingPortal.sessions.create(
          { customer: customerId, return_url: returnUrl, flow_data: { type: 'payment_method_update', after_completion: { type: 'redirect', redirect: { return_url: returnUrl } } } },
          as(account),
        );
        return session.url;
      } catch (error) {
        throw translateError(error);
      }
    },

    async cancelSubscription(account, subscriptionId, idempotencyKey) {
      try {
        await stripe.subscriptions.cancel(subscriptionId, {}, as(account, idempotencyKey));
      } catch (error) {
        throw translateError(error);
      }
    },

    async markUncollectible(account, invoiceId, idempotencyKey) {
      try {
        await stripe.invoices.markUncollectible(invoiceId, {}, as(account, idempotencyKey));
      } catch (error) {
        throw translateError(error);
      }
    },

    async fetchCard(account, paymentMethodId) {
      const method = await orNull(() => stripe.paymentMethods.retrieve(paymentMethodId, {}, as(account)));
      if (!method) return null;
      return {
        paymentMethodId: method.id,
        ...(method.card?.fingerprint ? { fingerprint: method.card.fingerprint } : {}),
        ...(method.card?.brand ? { brand: method.card.brand } : {}),
        ...(method.card?.last4 ? { last4: method.card.last4 } : {}),
        ...(method.card?.country ? { country: method.card.country } : {}),
      };
    },

    async fetchSubscription(account, subscriptionId) {
      const subscription = await orNull(() => stripe.subscriptions.retrieve(subscriptionId, {}, as(account)));
      return subscription ? subscriptionSnapshotOf(subscription) : null;
    },

    async fetchPaymentCard(account, paymentMethodId) {
      const method = await orNull(() => stripe.paymentMethods.retrieve(paymentMethodId, {}, as(account)));
      return method ? renewalCardOf(method) : null;
    },

    async fetchSubscriptionState(account, subscriptionId) {
      const subscription = await orNull(() => stripe.subscriptions.retrieve(subscriptionId, {}, as(account)));
      return subscription ? subscriptionStateOf(subscription as unknown as Record<string, unknown>) : null;
    },

    fetchPaymentRecord: (account, ref) => fetchPaymentRecord(stripe, as(account), ref),
  };
}

/** What a retry step checks of a subscription before a charge. */
function subscriptionSnapshotOf(subscription: Stripe.Subscription): SubscriptionSnapshot {
  return { status: subscription.status, collectionPaused: Boolean(subscription.pause_collection) };
}
