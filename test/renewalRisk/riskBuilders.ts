import type { Renewal, RenewalCard } from '../../backend/src/renewals/renewal';
import { renewalIdOf } from '../../backend/src/renewals/renewal';

/** A renewal on 12 April 2027 with a healthy Visa credit card, paid last month at the same price. */
export function aRenewal(overrides: Partial<Renewal> = {}, card: Partial<RenewalCard> | null = {}): Renewal {
  const accountId = overrides.accountId ?? 'acct_risk';
  const livemode = overrides.livemode ?? false;
  const subscriptionId = overrides.subscriptionId ?? 'sub_risk_1';
  return {
    id: renewalIdOf(accountId, livemode, subscriptionId),
    accountId,
    livemode,
    isAppInstall: false,
    subscriptionId,
    customerId: 'cus_risk_1',
    customerEmail: 'ada@example.com',
    customerName: 'Ada Lovelace',
    customerCountry: 'US',
    status: 'active',
    cancelAtPeriodEnd: false,
    renewsAt: new Date('2027-04-12T10:00:00Z'),
    amountMinor: 2900,
    currency: 'usd',
    card: card === null ? null : { paymentMethodId: 'pm_risk_1', fingerprint: 'fp_1', brand: 'visa', last4: '4242', expMonth: 8, expYear: 2029, funding: 'credit', country: 'US', ...card },
    cardSource: 'customer',
    lastPaidAt: new Date('2027-03-12T10:00:00Z'),
    lastPaidAmountMinor: 2900,
    preDunning: { forRenewalAt: null, sent: [], stoppedBecause: null, stoppedAt: null, nextReminderAt: null, leaseUntil: null, leaseOwner: null },
    risk: null,
    riskAlertedFor: null,
    lastReminderAt: null,
    customerDisputes: [],
    factAt: new Date('2027-03-12T10:00:00Z'),
    updatedAt: new Date('2027-03-12T10:00:00Z'),
    ...overrides,
  };
}

export const NOW = new Date('2027-03-20T09:00:00Z');
