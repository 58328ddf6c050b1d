import type Stripe from 'stripe';

/** Answers questions the current webhook payloads leave open, by asking Stripe. */
export interface PaymentLookup {
  /** The invoice a payment intent paid, null for a one-time payment. */
  findInvoiceForPaymentIntent(accountId: string, isAppInstall: boolean, paymentIntentId: string): Promise<string | null>;
}

export function createPaymentLookup(stripe: Stripe): PaymentLookup {
  return {
    async findInvoiceForPaymentIntent(accountId, isAppInstall, paymentIntentId) {
      const payments = await stripe.invoicePayments.list(
        { payment: { type: 'payment_intent', payment_intent: paymentIntentId }, limit: 1 },
        isAppInstall ? { stripeAccount: accountId } : {},
      );
      const invoice = payments.data[0]?.invoice;
      if (!invoice) return null;
      return typeof invoice === 'string' ? invoice : invoice.id ?? null;
    },
  };
}
