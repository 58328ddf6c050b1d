/**
 * The Stripe App's view tests: the @stripe/ui-extension-tools preset (ts-jest), plus a
 * transform for the SDK's .js files, which are ES modules since SDK 9.2 and must be
 * compiled for jest's CommonJS runtime like our own sources.
 */
const path = require('node:path');

module.exports = {
  preset: 'ts-jest',
  rootDir: __dirname,
  displayName: 'stripe-app',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.tsx'],
  transform: {
    '^.+\\.(ts|tsx|js)$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.jest.json'), diagnostics: false }],
    '.+\\.(svg|css|png)$': 'jest-transform-stub',
  },
  transformIgnorePatterns: ['/node_modules/(?!(@stripe/ui-extension-sdk|@remote-ui)/)'],
};
