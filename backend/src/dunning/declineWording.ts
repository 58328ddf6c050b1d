import { translate, type Locale } from '../i18n';
import type { DeclineDetails } from '../recovery';

/**
 * Why a payment failed, in words for the customer, in their language.
 * Deliberately gentle: a card reported lost or stolen reads "your bank
 * declined the card" (the customer may not know, and the page may be seen by others).
 * Example: { declineCode: 'expired_card' } → en "the card on file has expired", de "die hinterlegte Karte ist abgelaufen".
 */
export function describeDeclineForCustomer(decline: DeclineDetails | null, needsCustomerAction: boolean, locale: Locale = 'en'): string {
  if (needsCustomerAction) return translate(locale, 'decline.confirmPayment');
  const code = decline?.declineCode ?? decline?.code ?? null;
  switch (code) {
    case 'insufficient_funds':
    case 'withdrawal_count_limit_exceeded':
    case 'card_velocity_exceeded':
      return translate(locale, 'decline.insufficientFunds');
    case 'expired_card':
    case 'invalid_expiry_month':
    case 'invalid_expiry_year':
      return translate(locale, 'decline.expired');
    case 'incorrect_number':
    case 'incorrect_cvc':
    case 'invalid_cvc':
    case 'invalid_number':
      return translate(locale, 'decline.detailsNotAccepted');
    case 'card_not_supported':
    case 'currency_not_supported':
      return translate(locale, 'decline.notSupported');
    case 'processing_error':
    case 'issuer_not_available':
    case 'try_again_later':
    case 'reenter_transaction':
      return translate(locale, 'decline.processing');
    default:
      return translate(locale, 'decline.declined');
  }
}
