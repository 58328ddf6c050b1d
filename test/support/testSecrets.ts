/**
 * Every secret set to a test value of its own, so no test (in process or in a
 * child process) depends on the development fallbacks: a MONGODB_URI, a live
 * key or an https PUBLIC_URL makes the backend refuse to start without them.
 */
export const TEST_WEBHOOK_SECRET = 'whsec_test_secret_for_jest';
export const TEST_LINK_SECRET = 'test-only-card-update-link-secret-for-jest';
export const TEST_POSTMARK_WEBHOOK_PASSWORD = 'test-only-postmark-password';

export const TEST_SECRETS: Readonly<Record<string, string>> = {
  STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
  CARD_UPDATE_LINK_SECRET: TEST_LINK_SECRET,
  POSTMARK_WEBHOOK_PASSWORD: TEST_POSTMARK_WEBHOOK_PASSWORD,
  SECRETS_ENCRYPTION_KEY: 'test-only-secrets-encryption-key-for-jest',
};
