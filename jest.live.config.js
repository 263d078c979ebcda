// @ts-check
// The suites `npm test` leaves out, because they need more than Node and the e2e services: Debian's Prometheus
// (`npm run test:prometheus`), or a production `npm ci` of a minute and a half (.ci/run). Jest runs every project
// of a config unless told otherwise, so they have a config of their own; pick one with --selectProjects.
const { projects } = require('./jest.config');

// The e2e project's settings (the @app/* aliases, SWC), each with its own suite.
const e2e = projects.find((project) => project.displayName === 'e2e');

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 1,
  projects: [
    { ...e2e, displayName: 'prometheus', testMatch: ['<rootDir>/test/infra/prometheus.live-spec.ts'] },
    {
      ...e2e,
      displayName: 'production-install',
      testMatch: ['<rootDir>/test/infra/production-install.live-spec.ts'],
    },
  ],
};
