import type { DeclineDetails } from '../recovery';

/**
 * Why a payment failed, in words for the customer. Deliberately gentle: a
 * card reported lost or stolen reads "your bank declined the card" (the
 * customer may not know, and the page may be seen by others).
 * Example: { declineCode: 'expired_card' } → "the card on file has expired".
 */
export function describeDeclineForCustomer(decline: DeclineDetails | null, needsCustomerAction: boolean): string {
  if (needsCustomerAction) return 'your bank asks you to confirm the payment';
  const code = decline?.declineCode ?? decline?.code ?? null;
  switch (code) {
    case 'insufficient_funds':
    case 'withdrawal_count_limit_exceeded':
    case 'card_velocity_exceeded':
      return 'the bank declined it for insufficient funds or a spending limit';
    case 'expired_card':
    case 'invalid_expiry_month':
    case 'invalid_expiry_year':
      return 'the card on file has expired';
    case 'incorrect_number':
    case 'incorrect_cvc':
    case 'invalid_cvc':
    case 'invalid_number':
      return 'the card details were not accepted';
    case 'card_not_supported':
    case 'currency_not_supported':
      return 'the card does not support this kind of payment';
    case 'processing_error':
    case 'issuer_not_available':
    case 'try_again_later':
    case 'reenter_transaction':
      return 'the bank could not process it at the time';
    default:
      return 'the bank declined the card';
  }
}
