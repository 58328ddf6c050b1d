import type Stripe from 'stripe';
import type { PaymentRecord, PaymentRef, LastPaymentAttempt } from '../../recovery';
import { cardOf, declineOf, orderOf } from './eventTranslation';
import { idOf, orNull, translateError } from './stripeTranslation';

type Json = Record<string, unknown>;

/**
 * Reads the invoice or payment intent the merchant named, with the caller's
 * account options. A payment intent that pays an invoice is answered as that
 * invoice (its case is the invoice's, as for webhooks). Null: Stripe has no
 * such object for this account in this mode.
 */
export async function fetchPaymentRecord(stripe: Stripe, options: Stripe.RequestOptions, ref: PaymentRef): Promise<PaymentRecord | null> {
  if ('invoiceId' in ref) return fetchInvoiceRecord(stripe, options, ref.invoiceId);
  const intent = await orNull(() => stripe.paymentIntents.retrieve(ref.paymentIntentId, {}, options));
  if (!intent) return null;
  const invoiceId = await invoiceOfPayment(stripe, options, { payment: { type: 'payment_intent', payment_intent: intent.id } });
  if (invoiceId) return fetchInvoiceRecord(stripe, options, invoiceId);
  const json = intent as unknown as Json;
  return {
    kind: 'payment_intent',
    paymentIntentId: intent.id,
    status: intent.status,
    amountMinor: intent.amount,
    currency: intent.currency,
    customerId: idOf(intent.customer),
    customerEmail: intent.receipt_email ?? null,
    order: orderOf(json),
    lastAttempt: lastAttemptOf(json),
  };
}

async function fetchInvoiceRecord(stripe: Stripe, options: Stripe.RequestOptions, invoiceId: string): Promise<PaymentRecord | null> {
  const invoice = await orNull(() => stripe.invoices.retrieve(invoiceId, {}, options));
  if (!invoice?.id) return null;
  // Current API versions link an invoice to its payment intents only through invoice payments.
  const paymentIntentId = await paymentIntentOfInvoice(stripe, options, invoice.id);
  const intent = paymentIntentId ? await orNull(() => stripe.paymentIntents.retrieve(paymentIntentId, {}, options)) : null;
  return {
    kind: 'invoice',
    invoiceId: invoice.id,
    status: (invoice.status ?? 'draft') as 'draft',
    amountMinor: invoice.amount_remaining > 0 ? invoice.amount_remaining : invoice.amount_due,
    currency: invoice.currency,
    customerId: idOf(invoice.customer),
    customerEmail: invoice.customer_email ?? null,
    customerName: invoice.customer_name ?? null,
    subscriptionId: idOf(invoice.parent?.subscription_details?.subscription ?? null),
    attemptCount: invoice.attempt_count,
    nextPaymentAttemptAt: invoice.next_payment_attempt ? new Date(invoice.next_payment_attempt * 1000) : null,
    hostedInvoiceUrl: invoice.hosted_invoice_url?.startsWith('https://') ? invoice.hosted_invoice_url : null,
    lastAttempt: intent ? lastAttemptOf(intent as unknown as Json) : null,
  };
}

function lastAttemptOf(intent: Json): LastPaymentAttempt {
  const error = (intent.last_payment_error ?? {}) as Json;
  return { status: String(intent.status), decline: declineOf(error), card: cardOf(error.payment_method) };
}

async function paymentIntentOfInvoice(stripe: Stripe, options: Stripe.RequestOptions, invoiceId: string): Promise<string | null> {
  try {
    const page = await stripe.invoicePayments.list({ invoice: invoiceId, limit: 10 }, options);
    const payment = page.data.find((candidate) => candidate.is_default) ?? page.data[0];
    return payment?.payment?.type === 'payment_intent' ? idOf(payment.payment.payment_intent) : null;
  } catch (error) {
    throw translateError(error);
  }
}

async function invoiceOfPayment(stripe: Stripe, options: Stripe.RequestOptions, filter: Stripe.InvoicePaymentListParams): Promise<string | null> {
  try {
    const page = await stripe.invoicePayments.list({ ...filter, limit: 1 }, options);
    return idOf(page.data[0]?.invoice ?? null);
  } catch (error) {
    throw translateError(error);
  }
}
