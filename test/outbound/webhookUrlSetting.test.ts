import { loadConfig } from '../../backend/src/config';
import { TEST_SECRETS } from '../support/testSecrets';

/** Loopback and http webhook URLs: development and tests only, never anything that looks like a deployment. */
describe('config.outboundWebhooks.allowLocalUrls', () => {
  it.each([
    [{ NODE_ENV: 'test' }, true],
    [{ NODE_ENV: 'development' }, true],
    [{ NODE_ENV: 'development', MONGODB_URI: 'mongodb://db.internal:27017/recovery' }, false],
    [{ NODE_ENV: 'development', STRIPE_SECRET_KEY: 'sk_live_123' }, false],
    [{ NODE_ENV: 'development', PUBLIC_URL: 'https://recover.example.com' }, false],
    [{ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db.internal:27017/recovery', STRIPE_SECRET_KEY: 'sk_live_123', PUBLIC_URL: 'https://recover.example.com', POSTMARK_SERVER_TOKEN: 'token', EMAIL_FROM: 'billing@example.com' }, false],
  ])('%j → %s', (env, allowed) => {
    expect(loadConfig({ ...TEST_SECRETS, ...env }).outboundWebhooks.allowLocalUrls).toBe(allowed);
  });
});
