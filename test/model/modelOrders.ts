import type { StripeSandbox } from '../../devservices/stripe-sandbox/stripeSandbox';
import type { Json } from '../../devservices/stripe-sandbox/sandboxState';
import { SandboxError } from '../../devservices/stripe-sandbox/stripeErrors';
import { orderReferenceOf, SAME_ORDER_WINDOW_MS } from '../../backend/src/recovery';

/**
 * One-time orders in the model: the customer's checkout (a payment intent
 * confirmed on-session, no invoice) and the customer paying the same order
 * again with a new payment intent. Which order each payment intent pays is
 * the model's own record (ground truth), not the backend's matching.
 *
 * The rule that groups charges by order, for "at most one successful charge
 * per order":
 * - a payment intent that names an order (order_id in metadata) pays that
 *   order of that customer: `order:<customer>:<reference>`;
 * - one that names none pays the failed order it was made to settle, when the
 *   customer made it for that order within SAME_ORDER_WINDOW_MS (7 days) of
 *   the failure: the window the product promises to recognise a payment by
 *   amount in; later, the model counts it as a new purchase;
 * - otherwise it is its own order: `intent:<id>`.
 * Example: failed pi_1 {order_id: ord_1} and the customer's pi_2 {} for the
 * same amount two days later are one order; both charged is a double charge.
 */

const ACCOUNT = 'platform';

export interface OrderBook {
  /** Payment intent → the order it pays (the rule above). */
  orderOf: Map<string, string>;
}

/** Each order gets its own amount, so "the same amount" never matches another order of the customer by accident. */
const amountOfOrder = (number: number) => 2500 + 100 * number;

/** The customer's checkout for a new order; a decline leaves the intent failed (the sandbox emits payment_intent.payment_failed). */
export function checkout(
  sandbox: StripeSandbox,
  book: OrderBook,
  order: { customerId: string; paymentMethodId: string; number: number; offSessionConsent: boolean; orderReference: boolean; email: string },
): Json {
  const reference = `ord_${order.number}`;
  const intent = confirmOnSession(sandbox, {
    amount: amountOfOrder(order.number),
    currency: 'usd',
    customer: order.customerId,
    payment_method: order.paymentMethodId,
    receipt_email: order.email,
    description: `Order ${order.number}`,
    ...(order.offSessionConsent ? { setup_future_usage: 'off_session' } : {}),
    ...(order.orderReference ? { metadata: { order_id: reference } } : {}),
  });
  const id = intent.id as string;
  book.orderOf.set(id, order.orderReference ? `order:${order.customerId}:${reference}` : `intent:${id}`);
  return intent;
}

/**
 * The customer pays the failed order `failedId` with a new payment intent and
 * a new working card: with the order's reference (when it has one and
 * `sameReference`), else the same amount and currency only; `savesCard` asks
 * Stripe to keep the card for later (setup_future_usage off_session).
 * Returns the new intent's id.
 */
export function payOrderAgain(sandbox: StripeSandbox, book: OrderBook, failedId: string, options: { sameReference: boolean; savesCard: boolean; cardId: string }): string {
  const failed = sandbox.billing.paymentIntents.retrieve(ACCOUNT, failedId);
  const reference = orderReferenceOf({ metadata: failed.metadata as Record<string, string>, description: null });
  const keepsReference = options.sameReference && reference !== null;
  const intent = confirmOnSession(sandbox, {
    amount: failed.amount,
    currency: failed.currency,
    customer: failed.customer,
    payment_method: options.cardId,
    description: keepsReference ? failed.description : null,
    ...(options.savesCard ? { setup_future_usage: 'off_session' } : {}),
    ...(keepsReference ? { metadata: { order_id: reference } } : {}),
  });
  const id = intent.id as string;
  const withinWindow = sandbox.state.now().getTime() - (failed.created as number) * 1000 <= SAME_ORDER_WINDOW_MS;
  book.orderOf.set(id, keepsReference || withinWindow ? book.orderOf.get(failedId)! : `intent:${id}`);
  return id;
}

/** Has any payment intent of this order succeeded? */
export function orderPaid(sandbox: StripeSandbox, book: OrderBook, intentId: string): boolean {
  const order = book.orderOf.get(intentId);
  return sandbox.state.charges.some((charge) => charge.outcome === 'succeeded' && book.orderOf.get(charge.paymentIntent) === order);
}

/** A payment intent confirmed by the customer in the browser: a decline answers the failed intent, as Stripe.js shows it. */
function confirmOnSession(sandbox: StripeSandbox, params: Json): Json {
  try {
    return sandbox.billing.paymentIntents.create(ACCOUNT, { ...params, confirm: true }, null);
  } catch (error) {
    if (error instanceof SandboxError && error.status === 402) return (error.body as { payment_intent: Json }).payment_intent;
    throw error;
  }
}
