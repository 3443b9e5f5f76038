/** Jest runs the TypeScript sources through swc (transpile only; `npm run typecheck` type-checks). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
    // The CEL evaluator of the trust-condition tests ships only as ES modules; jest loads CommonJS.
    '^.+/node_modules/@marcbachmann/cel-js/.+\\.js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@marcbachmann/cel-js/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The fixture environment's stacks, synthesized once per run and read by many test files.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // No token creation traces, as in the synthesis pipeline (test/support/token-traces-off.ts).
  setupFiles: ['<rootDir>/test/support/token-traces-off.ts'],
  testTimeout: 120000,
  // Synthesis is CPU-bound; two cores, so two workers.
  maxWorkers: 2,
};
