export { rollupIncrements, utcDay, ALL_TIME, type RollupIncrement } from './caseContribution';
export { createRollupStore, type RollupStore, type RollupDocument } from './rollupStore';
export type { PendingRollup, RollupCell } from './rollupEntries';
export { buildDashboardStats, statsFromDay, TREND_DAYS, type DashboardStats } from './dashboardStats';
export { rebuildAccountRollups, driftOf, type RollupDrift } from './rollupRebuild';
