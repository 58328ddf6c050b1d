import { cardExpiresBefore, type Renewal, type RenewalCard, type ReminderStop } from './renewal';

/** Who changed the card the renewal will be charged on. */
export type CardChangeOrigin = 'network' | 'customer' | 'merchant';

/**
 * Whether a card change ends this period's expiring-card reminders, and why.
 * - The account updater (payment_method.automatically_updated) on the
 *   renewal's own card: stop, card_updated_by_network.
 * - Another card, chosen by the customer (their invoice default: the Billing
 *   Portal, our page) or by the merchant (the subscription's own default, a
 *   change found by the daily pass): stop only when the old card would not
 *   have survived the renewal and the new one does, with
 *   card_updated_by_customer or card_valid_through_renewal.
 * Example: card 03/2027, renewal 12 April 2027, customer sets a 08/2030 card
 * → stop (card_updated_by_customer); a 02/2027 card instead → reminders go on.
 */
export function reminderStopForCardChange(renewal: Pick<Renewal, 'renewsAt'>, before: RenewalCard | null, after: RenewalCard | null, origin: CardChangeOrigin): ReminderStop | null {
  if (origin === 'network') return 'card_updated_by_network';
  if (!renewal.renewsAt || !before || !after || before.paymentMethodId === after.paymentMethodId) return null;
  if (!cardExpiresBefore(before, renewal.renewsAt) || cardExpiresBefore(after, renewal.renewsAt)) return null;
  return origin === 'customer' ? 'card_updated_by_customer' : 'card_valid_through_renewal';
}
