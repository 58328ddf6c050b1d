export { listRecurringJobs, type RecurringJob } from './recurringJobs';
export { createWorker, type Worker } from './worker';
