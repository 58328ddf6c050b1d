import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, DEVELOPMENT_LINK_SECRET, DEVELOPMENT_POSTMARK_WEBHOOK_PASSWORD, DEVELOPMENT_SECRETS_ENCRYPTION_KEY, DEVELOPMENT_WEBHOOK_SECRET, loadConfig, SETTING_NAMES, settingDefaults } from '../backend/src/config';

/** Every secret set, to values of its own: what a real deployment has. */
const OWN_SECRETS = {
  STRIPE_WEBHOOK_SECRET: 'whsec_a_real_endpoint_secret',
  CARD_UPDATE_LINK_SECRET: 'a-real-card-update-link-secret-0123456789',
  POSTMARK_WEBHOOK_PASSWORD: 'a-real-postmark-password',
  SECRETS_ENCRYPTION_KEY: 'a-real-secrets-encryption-key-0123456789',
};
const SECRET_NAMES = Object.keys(OWN_SECRETS);

describe('loadConfig', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, role: 'all', mongodbUri: undefined, dataDir: './data', publicUrl: 'http://127.0.0.1:3000' });
    expect(config.stripe).toMatchObject({ webhookSecret: DEVELOPMENT_WEBHOOK_SECRET, selfHostedAccountId: 'acct_self_hosted', secretKey: undefined });
  });

  it('reads every documented setting', () => {
    const config = loadConfig({
      ...OWN_SECRETS,
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

  it('refuses to run in production without a real database, Stripe keys, a public URL and secrets of its own', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(
      ['MONGODB_URI', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'PUBLIC_URL', 'CARD_UPDATE_LINK_SECRET', 'POSTMARK_SERVER_TOKEN', 'EMAIL_FROM', 'POSTMARK_WEBHOOK_PASSWORD', 'SECRETS_ENCRYPTION_KEY'].sort(),
    );
    expect(problems[0]).toBe('MONGODB_URI: required when NODE_ENV=production');
  });

  it('reads TRUST_PROXY_HOPS, and the deprecated TRUST_PROXY=true as one hop with a warning', () => {
    expect(loadConfig({})).toMatchObject({ trustedProxyHops: 0, warnings: [] });
    expect(loadConfig({ TRUST_PROXY_HOPS: '2' })).toMatchObject({ trustedProxyHops: 2, warnings: [] });
    const legacy = loadConfig({ TRUST_PROXY: 'true' });
    expect(legacy.trustedProxyHops).toBe(1);
    expect(legacy.warnings).toEqual([expect.stringMatching(/TRUST_PROXY is deprecated: set TRUST_PROXY_HOPS/)]);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustedProxyHops).toBe(0);
    expect(() => loadConfig({ TRUST_PROXY_HOPS: '-1' })).toThrow(/TRUST_PROXY_HOPS/);
  });

  it('returns a frozen object so nothing changes settings at run time', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.stripe)).toBe(true);
  });
});


/** A complete production configuration; each test spoils one part of it. */
const PRODUCTION = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://recover.example.com',
  MONGODB_URI: 'mongodb+srv://db.example.com/recovery',
  STRIPE_SECRET_KEY: 'sk_live_123',
  POSTMARK_SERVER_TOKEN: 'postmark-token',
  EMAIL_FROM: 'Billing <billing@example.com>',
  ...OWN_SECRETS,
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('a deployment that forgot a secret, whatever NODE_ENV says', () => {
  it.each([
    ['a live secret key', { STRIPE_SECRET_KEY: 'sk_live_123' }],
    ['a live restricted key', { STRIPE_SECRET_KEY: 'rk_live_123' }],
    ['a MONGODB_URI', { MONGODB_URI: 'mongodb://db.internal:27017/recovery' }],
    ['an https PUBLIC_URL', { PUBLIC_URL: 'https://recover.example.com' }],
  ])('with %s and no secrets, refuses to start and names every missing secret, one line each', (_name, deployment) => {
    for (const NODE_ENV of ['development', 'test']) {
      const problems = problemsOf({ NODE_ENV, ...deployment });
      expect(problems.map((problem) => problem.split(':')[0])).toEqual(SECRET_NAMES);
      expect(problems[1]).toMatch(/^CARD_UPDATE_LINK_SECRET: required/);
    }
  });

  it('with a live key and only the link secret missing, names just CARD_UPDATE_LINK_SECRET', () => {
    const { CARD_UPDATE_LINK_SECRET: _missing, ...others } = OWN_SECRETS;
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'sk_live_123', ...others })).toThrow(/CARD_UPDATE_LINK_SECRET: required/);
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_live_123', ...others })).toHaveLength(1);
  });

  it('with a live key, also refuses a development value set explicitly', () => {
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_live_123', ...OWN_SECRETS, CARD_UPDATE_LINK_SECRET: DEVELOPMENT_LINK_SECRET })).toEqual([
      expect.stringMatching(/^CARD_UPDATE_LINK_SECRET: .*published/),
    ]);
  });

  it('starts with every secret set, and uses them', () => {
    const config = loadConfig({ STRIPE_SECRET_KEY: 'sk_live_123', MONGODB_URI: 'mongodb://db.internal:27017/recovery', ...OWN_SECRETS });
    expect(config.cardUpdate.linkSecret).toBe(OWN_SECRETS.CARD_UPDATE_LINK_SECRET);
    expect(config.secretsKey).toBe(OWN_SECRETS.SECRETS_ENCRYPTION_KEY);
  });

  it('keeps the development fallbacks for npm start on embedded defaults (test keys, no database URI, loopback http)', () => {
    const config = loadConfig({ STRIPE_SECRET_KEY: 'sk_test_local_sandbox', STRIPE_API_BASE: 'http://127.0.0.1:12111', PUBLIC_URL: 'http://127.0.0.1:3000' });
    expect(config.cardUpdate.linkSecret).toBe(DEVELOPMENT_LINK_SECRET);
    expect(config.stripe.webhookSecret).toBe(DEVELOPMENT_WEBHOOK_SECRET);
  });

  it('lets a live-mode sandbox test run: a live key with a loopback Stripe under NODE_ENV=test, secrets given', () => {
    expect(loadConfig({ NODE_ENV: 'test', STRIPE_SECRET_KEY: 'sk_live_world', STRIPE_API_BASE: 'http://127.0.0.1:4010', ...OWN_SECRETS }).stripe.secretKey).toBe('sk_live_world');
  });
});

describe('NODE_ENV=production', () => {
  it('starts with a complete production configuration', () => {
    expect(loadConfig(PRODUCTION).env).toBe('production');
  });

  it.each([
    ['the development link secret given explicitly', { CARD_UPDATE_LINK_SECRET: DEVELOPMENT_LINK_SECRET }, /^CARD_UPDATE_LINK_SECRET: /],
    ['the development webhook secret', { STRIPE_WEBHOOK_SECRET: DEVELOPMENT_WEBHOOK_SECRET }, /^STRIPE_WEBHOOK_SECRET: /],
    ['the development Postmark webhook password', { POSTMARK_WEBHOOK_PASSWORD: DEVELOPMENT_POSTMARK_WEBHOOK_PASSWORD }, /^POSTMARK_WEBHOOK_PASSWORD: /],
    ['the development encryption key', { SECRETS_ENCRYPTION_KEY: DEVELOPMENT_SECRETS_ENCRYPTION_KEY }, /^SECRETS_ENCRYPTION_KEY: /],
    ['a loopback STRIPE_API_BASE', { STRIPE_API_BASE: 'http://127.0.0.1:12111' }, /^STRIPE_API_BASE: /],
    ['an https loopback STRIPE_API_BASE', { STRIPE_API_BASE: 'https://localhost:12111' }, /^STRIPE_API_BASE: /],
    ['an http STRIPE_API_BASE', { STRIPE_API_BASE: 'http://stripe-proxy.internal' }, /^STRIPE_API_BASE: /],
    ['a loopback POSTMARK_API_BASE', { POSTMARK_API_BASE: 'https://[::1]:3100' }, /^POSTMARK_API_BASE: /],
    ['an sk_test_ key', { STRIPE_SECRET_KEY: 'sk_test_123' }, /^STRIPE_SECRET_KEY: /],
    ['an rk_test_ key', { STRIPE_SECRET_KEY: 'rk_test_123' }, /^STRIPE_SECRET_KEY: /],
    ['an http PUBLIC_URL', { PUBLIC_URL: 'http://recover.example.com' }, /^PUBLIC_URL: /],
  ])('refuses %s', (_name, spoiled, problem) => {
    const problems = problemsOf({ ...PRODUCTION, ...spoiled });
    expect(problems).toEqual([expect.stringMatching(problem)]);
  });
});

describe('.env.example', () => {
  const text = readFileSync(path.resolve(__dirname, '../.env.example'), 'utf8');
  /** Each `NAME=value` line, in order. */
  const shown = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((match) => ({ name: match[1]!, value: match[2]! }));
  const documented = shown.map(({ name }) => name);

  it('lists exactly the settings the backend reads', () => {
    expect([...documented].sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('shows the default the code applies for every setting that has one, so copying it changes nothing', () => {
    const defaults = settingDefaults() as Record<string, unknown>;
    const withDefaults = shown.filter(({ name }) => defaults[name] !== undefined);
    expect(withDefaults.length).toBeGreaterThan(10);
    for (const { name, value } of withDefaults) expect(`${name}=${value}`).toBe(`${name}=${String(defaults[name])}`);
  });

  it('gives every setting a one-line purpose on the line above it', () => {
    const lines = text.split('\n');
    for (const name of SETTING_NAMES) {
      const index = lines.findIndex((line) => line.startsWith(`${name}=`));
      expect(lines[index - 1]).toMatch(/^# \S/);
    }
  });
});
