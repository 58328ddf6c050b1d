import type { Renewal } from '../../backend/src/renewals/renewal';

/** A renewal on Monday 12 April 2027 10:00 UTC whose Visa ending 4242 expires 03/2027, before it. */
export function aRenewal(overrides: Partial<Renewal> = {}): Renewal {
  const renewsAt = overrides.renewsAt === undefined ? new Date('2027-04-12T10:00:00Z') : overrides.renewsAt;
  return {
    id: 'acct_1:live:sub_1',
    accountId: 'acct_1',
    livemode: true,
    isAppInstall: false,
    subscriptionId: 'sub_1',
    customerId: 'cus_1',
    customerEmail: 'alice@example.com',
    customerName: 'Alice Martin',
    customerCountry: 'FR',
    status: 'active',
    cancelAtPeriodEnd: false,
    renewsAt,
    amountMinor: 4900,
    currency: 'eur',
    card: { paymentMethodId: 'pm_1', fingerprint: 'fp_1', brand: 'visa', last4: '4242', expMonth: 3, expYear: 2027, funding: 'credit', country: 'FR' },
    cardSource: 'customer',
    lastPaidAt: null,
    lastPaidAmountMinor: null,
    preDunning: { forRenewalAt: renewsAt, sent: [], stoppedBecause: null, stoppedAt: null, nextReminderAt: null, leaseUntil: null, leaseOwner: null },
    risk: null,
    riskAlertedFor: null,
    lastReminderAt: null,
    customerDisputes: [],
    factAt: new Date('2027-01-01T00:00:00Z'),
    updatedAt: new Date('2027-01-01T00:00:00Z'),
    ...overrides,
  };
}

export function sentStep(stepIndex: number, daysBefore: number, at: Date) {
  return { stepIndex, daysBefore, at, messageId: `msg_${stepIndex}`, recordedOnly: false, subject: 's', htmlBody: 'h', textBody: 't' };
}
