import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, DEVELOPMENT_WEBHOOK_SECRET, loadConfig, SETTING_NAMES } from '../backend/src/config';

describe('loadConfig', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, role: 'all', mongodbUri: undefined, dataDir: './data', publicUrl: 'http://127.0.0.1:3000' });
    expect(config.stripe).toMatchObject({ webhookSecret: DEVELOPMENT_WEBHOOK_SECRET, selfHostedAccountId: 'acct_self_hosted', secretKey: undefined });
  });

  it('reads every documented setting', () => {
    const config = loadConfig({
      PORT: '8080',
      PUBLIC_URL: 'https://recover.example.com',
      MONGODB_URI: 'mongodb://db.internal:27017/recovery',
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      STRIPE_APP_SECRET: 'absec_abc',
      STRIPE_API_BASE: 'http://127.0.0.1:12111',
      STRIPE_ACCOUNT_ID: 'acct_123',
      STRIPE_TIMEOUT_SECONDS: '5',
      ROLE: 'worker',
    });
    expect(config).toMatchObject({ port: 8080, publicUrl: 'https://recover.example.com', mongodbUri: 'mongodb://db.internal:27017/recovery', role: 'worker' });
    expect(config.stripe).toEqual({ secretKey: 'sk_test_123', webhookSecret: 'whsec_abc', appSecret: 'absec_abc', apiBase: 'http://127.0.0.1:12111', timeoutMs: 5000, selfHostedAccountId: 'acct_123' });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ MONGODB_URI: '', STRIPE_SECRET_KEY: ' ' }).mongodbUri).toBeUndefined();
  });

  it('stops with one clear message per invalid setting', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', ROLE: 'everything', MONGODB_URI: 'postgres://x', STRIPE_WEBHOOK_SECRET: 'secret' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/ROLE/);
    expect(problems.join('\n')).toMatch(/MONGODB_URI: must start with mongodb:\/\//);
    expect(problems.join('\n')).toMatch(/STRIPE_WEBHOOK_SECRET: must start with whsec_/);
  });

  it('refuses to run in production without a real database, Stripe keys and a public URL', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /MONGODB_URI: required when NODE_ENV=production[\s\S]*STRIPE_SECRET_KEY[\s\S]*STRIPE_WEBHOOK_SECRET[\s\S]*PUBLIC_URL[\s\S]*CARD_UPDATE_LINK_SECRET[\s\S]*POSTMARK_SERVER_TOKEN[\s\S]*EMAIL_FROM[\s\S]*POSTMARK_WEBHOOK_PASSWORD[\s\S]*SECRETS_ENCRYPTION_KEY/,
    );
  });

  it('returns a frozen object so nothing changes settings at run time', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.stripe)).toBe(true);
  });
});

describe('.env.example', () => {
  const text = readFileSync(path.resolve(__dirname, '../.env.example'), 'utf8');
  const documented = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);

  it('lists exactly the settings the backend reads', () => {
    expect([...documented].sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('gives every setting a one-line purpose on the line above it', () => {
    const lines = text.split('\n');
    for (const name of SETTING_NAMES) {
      const index = lines.findIndex((line) => line.startsWith(`${name}=`));
      expect(lines[index - 1]).toMatch(/^# \S/);
    }
  });
});
