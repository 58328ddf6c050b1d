import type { Branding } from '../accounts';
import { brandName, cardExpiryText } from '../cardUpdate/renewalCardUpdate';
import { formatAmount } from '../recovery';
import type { Renewal } from '../renewals/renewal';
import { describeLocalDate } from '../retryPolicy';
import type { ReminderValues } from './preDunningPolicy';

/** The values a reminder's template is filled with, for one renewal, in the customer's zone. */
export function reminderValuesFor(renewal: Renewal, branding: Branding, zone: string, cardUpdateUrl: string): ReminderValues {
  const card = renewal.card!;
  return {
    // The first name reads warmer; a business name or none falls back to "there".
    customerName: renewal.customerName?.trim().split(/\s+/)[0] || 'there',
    productName: branding.productName,
    merchantName: branding.merchantName,
    ...(branding.supportEmail ? { supportEmail: branding.supportEmail } : {}),
    ...(card.brand ? { card_brand: brandName(card.brand) } : {}),
    card_last4: card.last4 ?? '····',
    card_expiry: cardExpiryText(card),
    renewal_date: describeLocalDate(renewal.renewsAt!, zone),
    renewal_amount: formatAmount(renewal.amountMinor, renewal.currency),
    card_update_url: cardUpdateUrl,
  };
}
