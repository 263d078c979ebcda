// @ts-check
const { readFileSync } = require('node:fs');

// The @app/* aliases live in tsconfig.json only; Jest derives its mapper from them.
const { compilerOptions } = JSON.parse(readFileSync(`${__dirname}/tsconfig.json`, 'utf8'));
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/*', '/(.*)')}$`,
    `<rootDir>/${target.replace('/*', '/$1')}`,
  ]),
);

// SWC keeps decorator metadata, which Nest's DI and our @Traced() tests rely on.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2023',
      },
      module: { type: 'commonjs' },
    },
  ],
};

const shared = { rootDir: __dirname, moduleNameMapper, transform, testEnvironment: 'node' };

/** @type {import('jest').Config} */
module.exports = {
  // End-to-end suites each start the whole system; on a 2-core machine they run best one at a time.
  maxWorkers: 1,
  // End-to-end cases stop and start real processes (a restart, a shutdown), which takes seconds on a busy machine:
  // Jest's 5 s default failed one that was still making progress. A bound, not a timing; cases under load set more.
  // Top level because Jest reads testTimeout from the global config only (a project's own is ignored, Jest 30.5).
  testTimeout: 30_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      // test/infra and test/repo check the repository's own files (the compose stack, the docs, the lock file).
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts', '<rootDir>/test/{infra,repo}/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
    },
  ],
};
