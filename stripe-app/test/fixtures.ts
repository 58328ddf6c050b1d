import type {
  ApiKeySummary,
  AttentionRow,
  CardUpdateLink,
  CaseDetail,
  DashboardStats,
  EmailPreview,
  Experiment,
  ListPage,
  MerchantSettings,
  PaymentRow,
  RecoveryEmail,
  RecoveryLift,
  SequenceRow,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from '../src/api/contract';

/**
 * Answers of the backend's routes, typed by the App's
 * contract, so a change to a shape breaks the views' type check and tests
 * here. test/stripeApp/appContract.test.ts (backend side) holds the real
 * answers to the same shapes: a fixture here is a promise about the backend.
 */

/** GET /api/settings. */
export const settings: MerchantSettings = {
  object: 'settings',
  retryPolicy: {
    windowDays: 21,
    maxAttempts: 8,
    gapsHours: [24, 48],
    merchantTimeZone: 'UTC',
    retryHourLocal: 9,
    stripeRetryClearanceHours: 4,
    paydayCalendars: {},
    networkLimits: { visaMaxReattemptsPer30Days: 15, mastercardMaxDeclinesPer24h: 10, mastercardMaxDeclinesPer30Days: 35 },
    endAction: 'leave_open',
  },
  dunning: { enabled: true, steps: [{ dayOffset: 0, tone: 'soft_reminder', custom: null }, { dayOffset: 3, tone: 'retry_notice', custom: null }], sendConfirmation: true, daytimeHours: [9, 18] },
  branding: { merchantName: 'Acme', productName: 'Acme Pro', logoUrl: null, accentColor: '#4f46e5', supportEmail: null },
  sender: {
    fromName: null,
    fromAddress: null,
    replyTo: null,
    effectiveFrom: '"Acme" <billing@recovery.example>',
    effectiveReplyTo: null,
    usesOwnServer: false,
    reason: 'no_from_address',
    explanation: 'You have not set a From address: emails come from our address under your name.',
    lastRefusal: null,
  },
  postmark: { configured: false, serverName: null, webhook: null },
  holdoutShare: 0.1,
  preDunning: { enabled: true, steps: [{ daysBefore: 30, custom: null }, { daysBefore: 14, custom: null }, { daysBefore: 3, custom: null }] },
  renewalRisk: { alertThreshold: 70 },
  language: 'en',
  networkLimitNotes: ['Visa: at most 15 reattempts per card in any 30 days.', 'Mastercard: at most 10 declined attempts per card in 24 hours.'],
};

/** Settings of a merchant whose own Postmark server sends from their address, with webhook credentials issued. */
export const ownServerSettings: MerchantSettings = {
  ...settings,
  sender: {
    ...settings.sender,
    fromName: 'Acme Billing',
    fromAddress: 'billing@acme.com',
    effectiveFrom: '"Acme Billing" <billing@acme.com>',
    usesOwnServer: true,
    reason: 'own_server',
    explanation: 'Your own Postmark server sends from your address.',
  },
  postmark: {
    configured: true,
    serverName: 'Acme transactional',
    webhook: { url: 'https://recovery.test/api/webhooks/postmark/accounts/acct_1234/test', username: 'pm_0123456789ab', createdAt: '2026-11-01T00:00:00.000Z' },
  },
};

export const endpoint: WebhookEndpoint = {
  id: 'we_1',
  object: 'webhook_endpoint',
  url: 'https://hooks.example.com/recovery',
  description: 'Access control',
  enabledEvents: ['recovery.succeeded', 'recovery.failed'],
  status: 'enabled',
  disabledReason: null,
  livemode: false,
  createdAt: '2026-11-01T00:00:00.000Z',
  secretRotationEndsAt: null,
};

export const disabledEndpoint: WebhookEndpoint = {
  ...endpoint,
  id: 'we_2',
  url: 'https://crm.example.com/hooks',
  description: null,
  enabledEvents: ['*'],
  status: 'disabled',
  disabledReason: 'the last attempt answered 503',
};

export const failedDelivery: WebhookDelivery = {
  id: 'wd_1',
  object: 'webhook_delivery',
  endpointId: 'we_1',
  eventId: 'evt_rec_1',
  eventType: 'recovery.succeeded',
  status: 'failed',
  attempts: [
    { at: '2026-11-20T10:00:00.000Z', statusCode: 500, latencyMs: 120, error: 'Internal Server Error' },
    { at: '2026-11-20T10:05:00.000Z', statusCode: null, latencyMs: 10000, error: 'timeout' },
  ],
  nextAttemptAt: '2026-11-20T11:05:00.000Z',
  createdAt: '2026-11-20T10:00:00.000Z',
};

export const pingDelivery: WebhookDelivery = {
  ...failedDelivery,
  id: 'wd_2',
  eventId: 'evt_rec_ping',
  eventType: 'ping',
  status: 'succeeded',
  attempts: [{ at: '2026-11-21T09:00:00.000Z', statusCode: 200, latencyMs: 35, error: null }],
  nextAttemptAt: null,
  createdAt: '2026-11-21T09:00:00.000Z',
};

export const lift: RecoveryLift = {
  object: 'recovery_lift',
  holdoutShare: 0.1,
  minimumCasesPerGroup: 100,
  currencies: [
    {
      currency: 'usd',
      treated: { cases: 1200, ended: 1000, recovered: 620, recoveredMinor: 3038000, recoveredShare: 0.62 },
      control: { cases: 130, ended: 110, recovered: 44, recoveredMinor: 215600, recoveredShare: 0.4 },
      difference: { estimate: 0.22, low: 0.125, high: 0.309 },
      enoughData: true,
    },
    {
      currency: 'eur',
      treated: { cases: 90, ended: 60, recovered: 30, recoveredMinor: 45000, recoveredShare: 0.5 },
      control: { cases: 12, ended: 8, recovered: 3, recoveredMinor: 4500, recoveredShare: 0.375 },
      difference: null,
      enoughData: false,
    },
  ],
};

const arms = (endedA: number, endedB: number): Experiment['arms'] => [
  { arm: 'A', label: 'Current sequence', cases: endedA + 20, ended: endedA, recovered: Math.round(endedA * 0.4), recoveredShare: endedA ? 0.4 : null, meanDaysToRecovery: 4.25, emailsOpened: 310, emailsClicked: 95 },
  { arm: 'B', label: 'Shorter sequence', cases: endedB + 20, ended: endedB, recovered: Math.round(endedB * 0.5), recoveredShare: endedB ? 0.5 : null, meanDaysToRecovery: 3.5, emailsOpened: 350, emailsClicked: 120 },
];

export const runningExperiment: Experiment = {
  id: 'exp_1',
  object: 'experiment',
  name: 'Shorter emails',
  kind: 'email_sequence',
  status: 'running',
  horizonCases: 400,
  createdAt: '2026-11-01T00:00:00.000Z',
  variant: { dunning: { ...settings.dunning, steps: [{ dayOffset: 0, tone: 'soft_reminder', custom: { subject: 'Quick fix', html: '<p>Update your card</p>', text: 'Update your card' } }] } },
  arms: arms(150, 142),
  result: { final: false, difference: { estimate: 0.1, low: -0.01, high: 0.21 }, pValue: 0.08, winner: 'B' },
};

export const finishedExperiment: Experiment = {
  ...runningExperiment,
  id: 'exp_2',
  name: 'Shorter emails, round 2',
  status: 'finished',
  arms: arms(400, 400),
  result: { final: true, difference: { estimate: 0.1, low: 0.031, high: 0.167 }, pValue: 0.0043, winner: 'B' },
};

/** GET /api/dashboard/stats. */
export const stats: DashboardStats = {
  object: 'recovery_stats',
  month: '2026-11',
  recoveredThisMonth: 12,
  failedThisMonth: 20,
  recoveredTotal: 140,
  recoveryRate: 0.6,
  activeSequences: 7,
  churnPrevented: 9,
  currencies: [
    { currency: 'eur', recoveredThisMonthMinor: 4500, recoveredTotalMinor: 9000, failedThisMonthMinor: 9000, mrrSavedMinor: 4500, activeMinor: 0, recoveryRate: 0.5, churnPrevented: 1 },
    { currency: 'usd', recoveredThisMonthMinor: 123400, recoveredTotalMinor: 999900, failedThisMonthMinor: 200000, mrrSavedMinor: 98700, activeMinor: 50000, recoveryRate: 0.625, churnPrevented: 8 },
  ],
  trend: [{ day: '2026-11-22', failed: 3, recovered: 2, amounts: [{ currency: 'usd', failedMinor: 14700, recoveredMinor: 9800 }] }],
  byDeclineBucket: [{ bucket: 'soft', failed: 20, recovered: 12 }],
  byRecoveryMethod: [{ method: 'our_retry', count: 12, amounts: [{ currency: 'usd', amountMinor: 123400 }] }],
  emails: { sent: 40, delivered: 38, opened: 22, clicked: 9, bounced: 2 },
};

/** GET /api/dashboard/attention. */
export const attention: ListPage<AttentionRow> = {
  object: 'list',
  has_more: false,
  next_cursor: null,
  data: [{ id: 'case_1', group: 'treated', invoiceId: 'in_1', customerId: 'cus_1', customerEmail: 'a***@example.com', amountMinor: 4900, currency: 'usd', reason: 'email_undeliverable', summary: 'Our emails cannot reach this customer.' }],
};

/** GET /api/dashboard/payments. */
export const payments: ListPage<PaymentRow> = {
  object: 'list',
  has_more: true,
  next_cursor: 'case_2',
  data: [
    { id: 'case_2', group: 'treated', invoiceId: 'in_2', customerId: 'cus_2', customerEmail: 'b***@example.com', amountMinor: 4900, currency: 'usd', status: 'recovered', declineBucket: 'soft', openingDeclineBucket: 'soft', recoveredBy: 'our_retry', attempts: 2, emailsSent: 1, openedAt: '2026-11-18T14:00:00.000Z', closedAt: '2026-11-20T14:00:00.000Z' },
  ],
};

/** GET /api/dashboard/sequences. */
export const sequences: ListPage<SequenceRow> = {
  object: 'list',
  has_more: false,
  next_cursor: null,
  data: [
    { id: 'case_1', group: 'treated', invoiceId: 'in_1', customerId: 'cus_1', customerEmail: 'a***@example.com', amountMinor: 4900, currency: 'usd', paused: false, stepsDone: 1, stepsTotal: 4, nextEmailAt: '2026-11-21T15:00:00.000Z', nextRetryAt: '2026-11-20T14:00:00.000Z', openedAt: '2026-11-18T14:00:00.000Z' },
  ],
};

/** GET /api/recovery/status?invoiceId=: a case still recovering, after one retry and one email. */
export const activeCase: CaseDetail = {
  id: '65f0c0ffee0000000000abcd',
  object: 'recovery_case',
  group: 'treated',
  status: 'active',
  paused: false,
  livemode: false,
  invoiceId: 'in_42',
  paymentIntentId: null,
  customerId: 'cus_42',
  customerEmail: 'a***@example.com',
  subscriptionId: 'sub_42',
  metadata: {},
  amountMinor: 4900,
  currency: 'usd',
  outcome: null,
  decline: { code: 'card_declined', declineCode: 'insufficient_funds' },
  declineBucket: 'soft',
  openingDeclineBucket: 'soft',
  needsCustomerAction: false,
  emailStatus: 'ok',
  nextAction: { kind: 'retry', at: '2026-12-01T14:00:00.000Z', reason: 'retrying on Tuesday 1 December at 09:00 customer time: insufficient funds, first business day after a common payday' },
  retries: [{ number: 1, trigger: 'schedule', at: '2026-11-20T14:00:00.000Z', outcome: 'declined', status: null, decline: { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' } }],
  emails: [{ index: 0, kind: 'dunning', step: 0, sentAt: '2026-11-18T15:00:00.000Z', delivery: 'sent', status: 'delivered', deliveredAt: '2026-11-18T15:00:02.000Z', openedAt: '2026-11-18T16:00:00.000Z', clickedAt: null, opens: 2, clicks: 0 }],
  openedAt: '2026-11-18T14:00:00.000Z',
  closedAt: null,
  timeline: [{ at: '2026-11-18T14:00:00.000Z', kind: 'case_opened', summary: 'Payment of 49.00 USD failed: recovery started.', eventId: 'evt_1' }],
};

/** GET /api/recovery/emails/:caseId/:index: a test-mode email, recorded instead of sent. */
export const recordedEmail: RecoveryEmail = {
  object: 'recovery_email',
  caseId: activeCase.id,
  index: 0,
  kind: 'dunning',
  step: 0,
  delivery: 'recorded_test_mode',
  at: '2026-11-18T15:00:00.000Z',
  to: 'alice@example.com',
  from: 'Billing <billing@example.com>',
  replyTo: null,
  subject: 'Your payment for Acme did not go through',
  html: '<p>Hi Alice</p>',
  text: 'Hi Alice, please update your card.',
};

/** POST /api/recovery/card-update-link. */
export const cardUpdateLink: CardUpdateLink = { object: 'card_update_link', caseId: activeCase.id, url: 'https://recovery.test/update?token=abc', expiresAt: '2026-11-30T10:00:00.000Z' };

/** POST /api/recovery/retry (202): the retry runs from the worker, not in the request. */
export const retryScheduled = { caseId: activeCase.id, retry: 'scheduled' as const };

/** POST /api/settings/email-preview. */
export const emailPreview: EmailPreview = { object: 'email_preview', subject: 'Your Acme Pro payment did not go through', html: '<p>Hi</p>', text: 'Hi Alice, …' };

/** GET /api/api-keys. */
export const apiKeys: { object: 'list'; data: ApiKeySummary[] } = {
  object: 'list',
  data: [{ id: 'key_1', accountId: 'acct_1234', livemode: false, name: 'Zapier', scope: 'read', prefix: 'rk_recovery_ab12', createdAt: '2026-11-01T00:00:00.000Z', lastUsedAt: null, revokedAt: null }],
};

/** POST /api/api-keys: the key itself is shown once. */
export const createdApiKey: ApiKeySummary & { key: string; note: string } = {
  id: 'key_2', accountId: 'acct_1234', livemode: false, name: 'Reports', scope: 'read_write', prefix: 'rk_recovery_cd34', createdAt: '2026-11-23T00:00:00.000Z', lastUsedAt: null, revokedAt: null,
  key: 'rk_recovery_cd34_secret', note: 'Store this key now: it is not shown again.',
};

/** DELETE /api/api-keys/:id. */
export const revokedApiKey = { id: 'key_1', revoked: true as const };

/** POST /api/webhook-endpoints (201): the signing secret is shown once. */
export const createdEndpoint: WebhookEndpointWithSecret = { ...endpoint, id: 'we_3', url: 'https://new.example.com/hook', description: null, enabledEvents: ['recovery.blocked', 'ping'], secret: 'whsec_new_secret' };

/** POST /api/webhook-endpoints/:id/rotate-secret. */
export const rotatedEndpoint: WebhookEndpointWithSecret = { ...endpoint, secretRotationEndsAt: '2026-11-23T10:00:00.000Z', secret: 'whsec_rotated' };

/** DELETE /api/webhook-endpoints/:id. */
export const deletedEndpoint = { id: 'we_1', object: 'webhook_endpoint' as const, deleted: true as const };

/** POST /api/webhook-endpoints/:id/ping: the views read only the delivery. */
export const pingAnswer = { event: { id: 'evt_rec_ping', type: 'ping' }, delivery: pingDelivery };

/** GET /api/webhook-endpoints/:id/deliveries. */
export const deliveriesPage = { object: 'list' as const, data: [failedDelivery], hasMore: true };

export * from './renewalFixtures';
export * from './dashboardFixtures';
