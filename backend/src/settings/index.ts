export { createSettingsService, type SettingsService, type SaveResult } from './settingsService';
