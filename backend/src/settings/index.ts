export { createSettingsService, dunningPolicyOf, holdoutShareOf, preDunningPolicyOf, retryPolicyOf, type MerchantSettings, type SettingsChange, type SettingsService, type SaveResult, type ShownWebhookCredentials } from './settingsService';
export { DEFAULT_RENEWAL_RISK_SETTINGS, renewalRiskSettingsOf, validateRenewalRiskSettings, type RenewalRiskSettings } from './renewalRiskSettings';
export { createSenderSelection, type SenderSelection } from './senderSelection';
export { postmarkWebhookUrl, senderChoiceOf, senderSettingsOf, type OperatorSender, type PostmarkView, type SenderView } from './senderSettings';
