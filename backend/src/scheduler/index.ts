export { DELIVER_WEBHOOKS_JOB, HANDLE_STRIPE_EVENTS_JOB, PLAN_PRE_DUNNING_REMINDERS_JOB, RELAY_CASE_OUTBOX_JOB, SCORE_RENEWALS_JOB, SEND_PRE_DUNNING_REMINDERS_JOB, listRecurringJobs, type RecurringJob } from './recurringJobs';
export { createWorker, type Worker } from './worker';
