import type { CustomerDeletion } from '../../privacy';
import { idOf, text } from './eventFields';
import type { StripeEventEnvelope } from './webhookSignature';

type Json = Record<string, unknown>;

/**
 * customer.deleted in our words: which customer to erase, and the emails and
 * names Stripe's last copy of the customer carried (what to look for in text
 * we stored, such as an email's greeting or a timeline line). Null for any
 * other event, or a payload without the customer's id.
 */
export function translateCustomerDeletion(event: StripeEventEnvelope): CustomerDeletion | null {
  if (event.type !== 'customer.deleted') return null;
  const customer = event.data.object;
  const stripeCustomerId = idOf(customer);
  if (!stripeCustomerId) return null;
  const shipping = (customer.shipping ?? null) as Json | null;
  const emails = [text(customer.email)].filter((value): value is string => value !== null);
  const names = [text(customer.name), text(shipping?.name)].filter((value): value is string => value !== null);
  return { stripeCustomerId, known: { emails, names } };
}
