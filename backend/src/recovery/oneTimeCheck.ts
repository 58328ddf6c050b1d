import type { AccountRef, BillingGateway, PaymentIntentSnapshot } from './billingGateway';
import { decideBeforeConfirm, type ConfirmDecision } from './oneTimeConfirmation';
import { findPaymentForCase, SAME_ORDER_WINDOW_MS, type CompletedPayment } from './oneTimePayments';
import type { RecoveryCase } from './recoveryCase';

/**
 * Reads at Stripe what deciding to confirm a one-time payment needs, right
 * before we would: the intent's status and consent, the customer's other
 * payments (webhooks arrive in any order, so a payment_intent.succeeded for
 * the same order may still be on its way), and whether a new card was saved
 * for off-session use. Reads only; the decision is decideBeforeConfirm's.
 */
export async function checkBeforeConfirm(current: RecoveryCase, paymentIntentId: string, account: AccountRef, gateway: BillingGateway): Promise<ConfirmDecision> {
  const intent = await gateway.fetchPaymentIntent(account, paymentIntentId);
  const stillUnpaid = intent !== null && ['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(intent.status);
  if (!stillUnpaid || !current.stripeCustomerId) return decideBeforeConfirm({ intent, paidElsewhere: null, newCard: null });

  // Order references match at any time in the window around the failure; the amount rule checks its own window.
  const since = new Date(current.openedAt.getTime() - SAME_ORDER_WINDOW_MS);
  const payments = (await gateway.listCustomerPaymentIntents(account, current.stripeCustomerId, since)).filter((other) => other.status === 'succeeded').map(completedPaymentOf);
  const paidElsewhere = findPaymentForCase(current, payments);
  const newCardId = current.newPaymentMethodId;
  const newCard =
    !paidElsewhere && newCardId ? { paymentMethodId: newCardId, savedForOffSession: await gateway.isSavedForOffSession(account, current.stripeCustomerId, newCardId) } : null;
  return decideBeforeConfirm({ intent, paidElsewhere, newCard });
}

function completedPaymentOf(intent: PaymentIntentSnapshot): CompletedPayment {
  return { paymentIntentId: intent.id, stripeCustomerId: intent.customerId, amountMinor: intent.amountMinor, currency: intent.currency, order: intent.order, paidAt: intent.createdAt };
}
