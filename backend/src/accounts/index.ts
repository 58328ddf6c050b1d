export { contrastText, isHexColor } from './branding';
export { createAccountStore, brandingOf, DEFAULT_BRANDING, type Account, type AccountSettings, type InstallEvent, type AccountStore, type Branding } from './accountStore';
export type { AccountProfileLookup } from './accountProfileLookup';
export { createSecretBox, secretBinding, type SecretBinding, type SecretBox } from './secretBox';
export { basicCredentials, issueWebhookCredentials, webhookCredentialsMatch, type IssuedWebhookCredentials, type StoredWebhookCredentials } from './webhookCredentials';
