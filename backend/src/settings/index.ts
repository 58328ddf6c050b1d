export { createSettingsService, dunningPolicyOf, holdoutShareOf, retryPolicyOf, type MerchantSettings, type SettingsChange, type SettingsService, type SaveResult } from './settingsService';
