export { createApiKeyStore, API_KEY_PREFIX, type ApiKey, type ApiKeyScope, type ApiKeyStore } from './apiKeyStore';
export { authenticateMerchant, jsonBody, openCors, merchantOf, requireWrite, type Merchant } from './merchantAuth';
export { createRecoveryRoutes } from './recoveryRoutes';
export { createEmailRoutes } from './emailRoutes';
export { createApiKeyRoutes } from './apiKeyRoutes';
export { caseView, maskEmail } from './caseView';
export { createDashboardRoutes } from './dashboardRoutes';
export { createSettingsRoutes } from './settingsRoutes';
export { buildOpenApiDocument, DOCUMENTED_ROUTES } from './openApi';
