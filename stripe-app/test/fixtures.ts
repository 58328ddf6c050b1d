import type { Experiment, MerchantSettings, RecoveryLift, WebhookDelivery, WebhookEndpoint } from '../src/api/contract';

/**
 * Answers of the backend's routes, typed by the App's
 * contract, so a change to a shape breaks the views' type check and tests
 * here; a backend test can hold the real answers to the same shapes.
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
  postmark: { configured: false },
  holdoutShare: 0.1,
  networkLimitNotes: ['Visa: at most 15 reattempts per card in any 30 days.', 'Mastercard: at most 10 declined attempts per card in 24 hours.'],
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
