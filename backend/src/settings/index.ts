export { createSettingsService, dunningPolicyOf, holdoutShareOf, preDunningPolicyOf, retryPolicyOf, type MerchantSettings, type SettingsChange, type SettingsService, type SaveResult } from './settingsService';
export { DEFAULT_RENEWAL_RISK_SETTINGS, renewalRiskSettingsOf, validateRenewalRiskSettings, type RenewalRiskSettings } from './renewalRiskSettings';
