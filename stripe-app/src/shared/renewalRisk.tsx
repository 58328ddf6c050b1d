import { Badge } from '@stripe/ui-extension-sdk/ui';
import type { RenewalCardSummary, RenewalPreDunning, RenewalRiskView, RiskLevel } from '../api/contract';
import { formatDay } from '../format';

/** How a renewal's risk reads wherever it appears: the home's at-risk card and the customer view. */

const LEVELS: Record<RiskLevel, { label: string; badge: 'negative' | 'warning' | 'neutral' }> = {
  high: { label: 'High risk', badge: 'negative' },
  medium: { label: 'Medium risk', badge: 'warning' },
  low: { label: 'Low risk', badge: 'neutral' },
};

/** "86 · High risk": the score out of 100 and its level (high from 70, medium from 40). */
export function RiskBadge({ risk }: { risk: Pick<RenewalRiskView, 'score' | 'level'> }) {
  const level = LEVELS[risk.level] ?? LEVELS.low;
  return <Badge type={level.badge}>{`${risk.score} · ${level.label}`}</Badge>;
}

export function riskModelLabel(model: RenewalRiskView['model']): string {
  return model === 'account_model' ? "Scored by your account's own model" : 'Scored by rules';
}

/** Why reminders stopped, after "Reminders stopped because …". */
const STOP_REASONS: Record<string, string> = {
  card_updated_by_network: 'the card networks updated the card',
  card_updated_by_customer: 'the customer updated their card',
  card_valid_through_renewal: 'the card now lasts beyond the renewal',
  subscription_ended: 'the subscription ended',
  renewal_passed: 'the renewal date came',
  pre_dunning_off: 'reminders before renewals are turned off',
};

const reminders = (count: number) => `${count} reminder${count === 1 ? '' : 's'}`;

/**
 * The pre-dunning state in words: "No reminders", "Reminder planned for Nov 20, 2026",
 * "Sent 1 reminder, next on Nov 17, 2026", "Reminders stopped because the customer updated their card".
 */
export function preDunningStatus(state: RenewalPreDunning, locale: string): string {
  const next = state.nextReminderAt ? formatDay(state.nextReminderAt, locale) : null;
  switch (state.status) {
    case 'planned':
      return next ? `Reminder planned for ${next}` : 'Reminders planned';
    case 'sent':
      return `Sent ${reminders(state.remindersSent)}${next ? `, next on ${next}` : ''}`;
    case 'stopped': {
      const because = state.stoppedBecause ? (STOP_REASONS[state.stoppedBecause] ?? state.stoppedBecause.replace(/_/g, ' ')) : null;
      const sent = state.remindersSent > 0 ? ` after ${reminders(state.remindersSent)}` : '';
      return `Reminders stopped${sent}${because ? ` because ${because}` : ''}`;
    }
    default:
      return 'No reminders';
  }
}

const BRANDS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', jcb: 'JCB', unionpay: 'UnionPay', diners: 'Diners Club' };

/** "Visa ending 4242 · expires 11/2026 · prepaid"; the funding is left out when unknown. */
export function cardSummary(card: RenewalCardSummary | null): string {
  if (!card) return 'No card on file';
  const brand = card.brand ? (BRANDS[card.brand] ?? card.brand) : 'Card';
  const ending = card.last4 ? ` ending ${card.last4}` : '';
  const funding = card.funding && card.funding !== 'unknown' ? ` · ${card.funding}` : '';
  return `${brand}${ending} · expires ${String(card.expMonth).padStart(2, '0')}/${card.expYear}${funding}`;
}

/** Who renews, as the merchant knows them: name, else the masked email, else the customer id. */
export function renewingCustomer(risk: Pick<RenewalRiskView, 'customerName' | 'customerEmail' | 'customerId'>): string {
  return risk.customerName ?? risk.customerEmail ?? risk.customerId;
}
