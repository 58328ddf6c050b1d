import type { AtRiskPage, EmailPreview, RenewalRiskList, RenewalRiskView } from '../src/api/contract';

/**
 * The backend's answers about upcoming renewals and pre-dunning, typed by the
 * App's contract; fixtures.ts exports them with the rest, and
 * test/stripeApp/appContract.test.ts holds the real answers to their shapes.
 */

/** POST /api/settings/pre-dunning-preview. */
export const preDunningPreview: EmailPreview = {
  object: 'email_preview',
  subject: 'Your card ending 4242 expires before your Acme Pro renewal',
  html: '<p>Hi Alice</p>',
  text: 'Hi Alice, your Visa ending 4242 expires 11/2026, before your renewal on 1 December 2026.',
};

/** A renewal whose card expires first: high risk, one reminder sent, the next one planned. */
export const riskyRenewal: RenewalRiskView = {
  object: 'renewal_risk',
  subscriptionId: 'sub_1',
  customerId: 'cus_1',
  customerEmail: 'a***@example.com',
  customerName: 'Alice Martin',
  renewsAt: '2026-12-01T10:00:00.000Z',
  amountMinor: 4900,
  currency: 'usd',
  score: 86,
  level: 'high',
  model: 'rules',
  reasons: [
    { code: 'card_expires_before_renewal', text: 'The card ending 4242 expires 11/2026, before the renewal on 1 December 2026.', weight: 45 },
    { code: 'earlier_failures', text: '2 earlier failed payments, 1 of them for insufficient funds.', weight: 20 },
    { code: 'prepaid_card', text: 'A prepaid card.', weight: 12 },
  ],
  card: { brand: 'visa', last4: '4242', expMonth: 11, expYear: 2026, funding: 'prepaid' },
  preDunning: { status: 'sent', remindersSent: 1, nextReminderAt: '2026-11-17T09:00:00.000Z', stoppedBecause: null },
  scoredAt: '2026-11-02T08:00:00.000Z',
};

/** GET /api/dashboard/at-risk?limit=5: highest score first, with each pre-dunning state. */
export const atRisk: AtRiskPage = {
  object: 'list',
  has_more: true,
  next_cursor: 'sub_4',
  summary: { count: 3, amountMinorByCurrency: { usd: 14800, eur: 2500 }, atOrAbove: 70 },
  data: [
    riskyRenewal,
    {
      ...riskyRenewal, subscriptionId: 'sub_2', customerId: 'cus_2', customerEmail: null, customerName: 'Bo Chen', amountMinor: 2500, currency: 'eur', score: 74, level: 'high', model: 'account_model',
      reasons: [{ code: 'debit_card', text: 'A debit card.', weight: 30 }], card: { brand: 'mastercard', last4: '5555', expMonth: 1, expYear: 2027, funding: 'debit' },
      preDunning: { status: 'planned', remindersSent: 0, nextReminderAt: '2026-11-20T09:00:00.000Z', stoppedBecause: null },
    },
    {
      ...riskyRenewal, subscriptionId: 'sub_3', customerId: 'cus_3', customerEmail: 'c***@example.com', customerName: null, amountMinor: 9900, score: 70, level: 'high',
      preDunning: { status: 'stopped', remindersSent: 2, nextReminderAt: null, stoppedBecause: 'card_updated_by_customer' },
    },
    {
      ...riskyRenewal, subscriptionId: 'sub_4', customerId: 'cus_4', customerEmail: 'd***@example.com', customerName: null, amountMinor: 1900, score: 41, level: 'medium', reasons: [], card: null,
      preDunning: { status: 'none', remindersSent: 0, nextReminderAt: null, stoppedBecause: null },
    },
  ],
};

/** POST /api/predict/risk {customerId}. */
export const customerRisk: RenewalRiskList = { object: 'list', data: [riskyRenewal] };
