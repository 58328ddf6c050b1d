import { preDunningStatusOf, type Renewal } from '../renewals';
import { riskLevelOf } from '../renewalRisk';
import { maskEmail } from './caseView';

/** A scored renewal as the API, the App and the customer.renewal_at_risk event show it (RenewalRiskView in the contract). */
export function riskView(renewal: Renewal) {
  const risk = renewal.risk;
  const score = risk?.score ?? 0;
  const card = renewal.card;
  return {
    object: 'renewal_risk' as const,
    subscriptionId: renewal.subscriptionId,
    customerId: renewal.customerId,
    customerEmail: maskEmail(renewal.customerEmail),
    customerName: renewal.customerName,
    renewsAt: renewal.renewsAt?.toISOString() ?? null,
    amountMinor: renewal.amountMinor,
    currency: renewal.currency,
    score,
    level: riskLevelOf(score),
    model: risk?.model ?? 'rules',
    reasons: (risk?.reasons ?? []).map((reason) => ({ code: reason.code, text: reason.text, weight: reason.weight })),
    card: card ? { brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear, funding: card.funding } : null,
    preDunning: {
      status: preDunningStatusOf(renewal.preDunning),
      remindersSent: renewal.preDunning.sent.length,
      nextReminderAt: renewal.preDunning.nextReminderAt?.toISOString() ?? null,
      stoppedBecause: renewal.preDunning.stoppedBecause,
    },
    scoredAt: risk?.scoredAt.toISOString() ?? null,
  };
}
