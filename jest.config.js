/** Jest runs TypeScript through SWC (fast, no type check); `npm run build` type-checks with tsc. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The CDK app the package test installs Driftwatch into; its own jest runs it there (test/package/consumer.test.ts).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/package/consumer-app/'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/prerequisites.ts',
};
