/** Two projects: backend and domain tests (test/), and the Stripe App's views (stripe-app/test/). */
module.exports = {
  testTimeout: 30000,
  // Slowest files first, even on a fresh clone without jest's timing cache (see the file).
  testSequencer: '<rootDir>/test/support/testSequencer.js',
  projects: [
    {
      displayName: 'backend',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      transform: {
        // Type errors are caught by `npm run typecheck`; with isolatedModules in tsconfig.json ts-jest only transpiles.
        '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
      },
      globalSetup: '<rootDir>/test/support/globalSetup.ts',
      globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
    },
    '<rootDir>/stripe-app/jest.config.js',
  ],
};
