import type { Renewal } from '../renewals/renewal';
import type { FailureKind, RiskFeatures } from './riskFeatures';

/**
 * Each risk factor in the merchant's words. Both scorers use these texts, so a
 * reason reads the same whether the rules or the account's model weighed it.
 */

export type RiskReasonCode =
  | 'no_card'
  | 'card_expires_before_renewal'
  | 'earlier_failures'
  | 'long_since_last_payment'
  | 'never_paid'
  | 'prepaid_card'
  | 'debit_card'
  | 'amount_higher_than_last_paid'
  | 'disputes'
  | 'card_country'
  | 'cross_border_card'
  | 'card_brand';

/** What a reason text may mention about the renewal besides its features. */
export type WordingContext = Pick<Renewal, 'renewsAt' | 'card' | 'amountMinor' | 'currency' | 'lastPaidAmountMinor' | 'customerCountry'>;

const FAILURE_WORDS: Record<FailureKind, string> = {
  insufficient_funds: 'insufficient funds',
  never_retry: 'declined for good by the bank',
  customer_must_act: 'card details or authentication needed',
  soft: 'a temporary decline',
  ambiguous: 'declined by the bank',
  blocked_by_stripe: "blocked by Stripe's retry guard",
};

const BRAND_NAMES: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', jcb: 'JCB', unionpay: 'UnionPay', diners: 'Diners Club' };

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "12 April 2027" */
export function describeDate(at: Date): string {
  return dateFormat.format(at);
}

/** "29.00 USD": amounts in minor units of two-decimal currencies; zero-decimal currencies keep their units. */
export function describeAmount(amountMinor: number, currency: string): string {
  const zeroDecimal = ['jpy', 'krw', 'vnd', 'clp', 'xof', 'xaf', 'ugx', 'pyg', 'rwf', 'kmf', 'gnf', 'djf', 'bif', 'vuv', 'xpf', 'mga'].includes(currency.toLowerCase());
  return `${zeroDecimal ? String(amountMinor) : (amountMinor / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

function cardName(context: WordingContext): string {
  return context.card?.last4 ? `The card ending ${context.card.last4}` : 'The card on file';
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The sentence for one reason. */
export function describeReason(code: RiskReasonCode, features: RiskFeatures, context: WordingContext): string {
  const renewal = context.renewsAt ? `the renewal on ${describeDate(context.renewsAt)}` : 'the next renewal';
  switch (code) {
    case 'no_card':
      return `No card is on file for ${renewal}: Stripe has nothing to charge.`;
    case 'card_expires_before_renewal': {
      const card = context.card;
      const expiry = card ? `${String(card.expMonth).padStart(2, '0')}/${card.expYear}` : '';
      return `${cardName(context)} expires ${expiry}, before ${renewal}.`;
    }
    case 'earlier_failures': {
      const kinds = (Object.entries(features.earlierFailures) as Array<[FailureKind, number]>).filter(([, count]) => count > 0).map(([kind, count]) => `${count} × ${FAILURE_WORDS[kind]}`);
      return `${plural(features.earlierFailureCount, 'earlier payment', 'earlier payments')} of this customer failed in the last 12 months (${kinds.join(', ')}).`;
    }
    case 'long_since_last_payment':
      return `The last successful payment was ${features.daysSinceLastPayment} days before ${renewal}.`;
    case 'never_paid':
      return 'This subscription has no successful payment yet.';
    case 'prepaid_card':
      return `${cardName(context)} is a prepaid card: its balance may not cover the charge.`;
    case 'debit_card':
      return `${cardName(context)} is a debit card: the charge depends on the account balance that day.`;
    case 'amount_higher_than_last_paid': {
      const last = context.lastPaidAmountMinor !== null ? ` than the last payment of ${describeAmount(context.lastPaidAmountMinor, context.currency)}` : '';
      return `The renewal charges ${describeAmount(context.amountMinor, context.currency)}, ${Math.round(features.amountIncrease * 100)} % more${last}.`;
    }
    case 'disputes':
      return `The customer opened ${plural(features.disputes, 'dispute', 'disputes')} (chargebacks) before.`;
    case 'card_country':
      return `${cardName(context)} was issued in ${features.cardCountry}: off-session charges there need an e-mandate and are often declined.`;
    case 'cross_border_card':
      return `${cardName(context)} was issued in ${features.cardCountry}, another country than the customer's (${context.customerCountry}): issuers decline cross-border charges more often.`;
    case 'card_brand':
      return `${BRAND_NAMES[features.cardBrand ?? ''] ?? features.cardBrand ?? 'This'} cards are declined more often than Visa and Mastercard on renewals.`;
  }
}
