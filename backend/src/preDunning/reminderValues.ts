import type { Branding } from '../accounts';
import { brandName, cardExpiryText } from '../cardUpdate/renewalCardUpdate';
import { formatDay, formatMoney, translate, type Locale } from '../i18n';
import type { Renewal } from '../renewals/renewal';
import type { ReminderValues } from './preDunningPolicy';

/** The values a reminder's template is filled with, for one renewal, in the customer's zone and language. */
export function reminderValuesFor(renewal: Renewal, branding: Branding, zone: string, cardUpdateUrl: string, locale: Locale = 'en'): ReminderValues {
  const card = renewal.card!;
  return {
    // The first name reads warmer; a business name or none falls back to "there" (in the customer's language).
    customerName: renewal.customerName?.trim().split(/\s+/)[0] || translate(locale, 'email.customerNameFallback'),
    productName: branding.productName,
    merchantName: branding.merchantName,
    ...(branding.supportEmail ? { supportEmail: branding.supportEmail } : {}),
    ...(card.brand ? { card_brand: brandName(card.brand, locale) } : {}),
    card_last4: card.last4 ?? '····',
    card_expiry: cardExpiryText(card),
    renewal_date: formatDay(renewal.renewsAt!, zone, locale),
    renewal_amount: formatMoney(renewal.amountMinor, renewal.currency, locale),
    card_update_url: cardUpdateUrl,
  };
}
