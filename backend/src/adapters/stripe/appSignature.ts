import Stripe from 'stripe';
import { SIGNATURE_TOLERANCE_SECONDS } from './webhookSignature';

/**
 * Requests from the Stripe App's views carry a Stripe-Signature made by
 * fetchStripeSignature() over exactly {user_id, account_id}, in that key
 * order, with the app's signing secret. Only those two values are vouched for.
 */
export function verifyAppSignature(userId: string, accountId: string, header: string, appSecret: string): boolean {
  try {
    Stripe.webhooks.signature!.verifyHeader(JSON.stringify({ user_id: userId, account_id: accountId }), header, appSecret, SIGNATURE_TOLERANCE_SECONDS);
    return true;
  } catch {
    return false;
  }
}
