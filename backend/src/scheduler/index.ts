export { DELIVER_WEBHOOKS_JOB, HANDLE_STRIPE_EVENTS_JOB, RELAY_CASE_OUTBOX_JOB, SCORE_RENEWALS_JOB, listRecurringJobs, type RecurringJob } from './recurringJobs';
export { createWorker, type Worker } from './worker';
