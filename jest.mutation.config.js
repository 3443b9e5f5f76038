/** The check tables only (test/compliance/checks): fast, no synthesis, so Stryker can run them per mutant. */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/compliance/checks'],
  testMatch: ['**/*.test.ts'],
  maxWorkers: 1,
};
