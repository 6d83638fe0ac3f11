// Shared jest settings for every project: ts-jest in transpile-only mode and the
// workspace path aliases (@bitcraps/*) mapped to library sources. `infra: true` starts
// NATS and Redis for the project's run (libs/testing global setup).
const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

const testing = path.join(__dirname, 'libs/testing/src');

module.exports = function preset(projectDir, { infra = false, ...extra } = {}) {
  return {
    displayName: path.relative(__dirname, projectDir),
    rootDir: projectDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/**/*.spec.ts'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.spec.json') }],
    },
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: __dirname + '/' }),
    testTimeout: 60_000,
    ...(infra
      ? { globalSetup: path.join(testing, 'global-setup.ts'), globalTeardown: path.join(testing, 'global-teardown.ts') }
      : {}),
    ...extra,
  };
};
