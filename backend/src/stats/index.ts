export { rollupIncrements, utcDay, ALL_TIME, type RollupIncrement } from './caseContribution';
export { createRollupStore, type RollupStore, type RollupDocument } from './rollupStore';
export { buildDashboardStats, statsFromDay, TREND_DAYS, type DashboardStats } from './dashboardStats';
export { buildRecoveryLift, MINIMUM_CASES_PER_GROUP, type RecoveryLift, type CurrencyLift, type LiftGroup } from './liftStats';
