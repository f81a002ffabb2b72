/** Jest runs TypeScript through SWC (fast, no type check); `npm run build` type-checks with tsc. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/prerequisites.ts',
};
