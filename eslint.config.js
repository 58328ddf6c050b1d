// @ts-check
const eslint = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['node_modules/', '**/dist/', '.devservices/', 'data/', 'coverage/', 'test-artifacts/', 'stripe-app/.build/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read settings through backend/src/config.ts only.' },
      ],
    },
  },
  {
    // The domain owns its ports (recovery/billingGateway.ts, dunning/mailer.ts,
    // accounts/accountProfileLookup.ts); adapters implement them. Only the
    // composition root and the HTTP edge (api/, webhooks/) may reach adapters/.
    files: ['backend/src/**/*.ts'],
    ignores: ['backend/src/adapters/**', 'backend/src/api/**', 'backend/src/webhooks/**', 'backend/src/container.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/adapters', '**/adapters/**'], message: 'The domain declares its ports; import the port, not the adapter.' }] }],
    },
  },
  {
    // Tests, scripts, benchmarks and dev services may read the environment directly.
    files: ['test/**', 'scripts/**', 'bench/**', 'devservices/**', 'backend/src/config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
