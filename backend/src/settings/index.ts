export { createSettingsService, dunningPolicyOf, retryPolicyOf, type MerchantSettings, type SettingsChange, type SettingsService, type SaveResult } from './settingsService';
