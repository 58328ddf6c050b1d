export { rollupIncrements, utcDay, ALL_TIME, type RollupIncrement } from './caseContribution';
export { createRollupStore, type RollupStore, type RollupDocument } from './rollupStore';
export type { PendingRollup, RollupCell } from './rollupEntries';
export { buildDashboardStats, statsFromDay, TREND_DAYS, type DashboardStats } from './dashboardStats';
export { rebuildAccountRollups, driftOf, type RollupDrift } from './rollupRebuild';
export { buildRecoveryLift, MINIMUM_CASES_PER_GROUP, type RecoveryLift, type CurrencyLift, type LiftGroup } from './liftStats';
export { createPayMomentsReader, payHabitCountersOf, payHabitCountsOf, PAY_MOMENTS_CACHE_MS } from './payHabitCounters';
