export { deriveRiskFeatures, type CustomerHistory, type RiskFeatures } from './riskFeatures';
export { scoreByRules, riskLevelOf, RULE_POINTS, type RiskLevel } from './riskRules';
export { fitAccountModel, scoreByAccountModel, MIN_OUTCOMES_FOR_MODEL, type AccountModel } from './accountModel';
export { createRenewalOutcomeStore, recordRenewalOutcome, type RenewalOutcomeStore } from './renewalOutcomeStore';
export { createRenewalRiskService, alertThresholdOf, riskAlertEventId, DEFAULT_ALERT_THRESHOLD, RISK_HORIZON_DAYS, type RenewalRiskService } from './renewalRiskService';
