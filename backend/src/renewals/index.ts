export { cardExpiresBefore, renewalIdOf } from './renewal';
export type { CardFunding, CardSource, PreDunningState, ReminderSent, ReminderStop, Renewal, RenewalCard, RenewalRisk, RiskReason } from './renewal';
export { createRenewalStore } from './renewalStore';
export type { AtRiskFilter, CustomerFact, RenewalPage, RenewalStore, SubscriptionFact, Tenancy } from './renewalStore';
export { preDunningStatusOf, type PreDunningStatus } from './preDunningStatus';
export { RenewalCursorInvalid, RENEWING_STATUSES } from './renewalPaging';
