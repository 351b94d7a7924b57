const path = require('node:path');
const { testTimeout, ...preset } = require('../../jest.preset.cjs');

const common = {
  ...preset,
  rootDir: __dirname,
  moduleNameMapper: { ...preset.moduleNameMapper, '\\.css$': '<rootDir>/src/testing/style-stub.cjs' },
};

module.exports = {
  testTimeout,
  projects: [
    {
      ...common,
      displayName: 'ui',
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/src/**/*.test.tsx'],
      testPathIgnorePatterns: ['/node_modules/', '\\.ssr\\.test\\.tsx$'],
      // Solid's browser build (reactive); the default "node" condition loads its non-reactive server build.
      testEnvironmentOptions: { customExportConditions: ['browser', 'require', 'default'] },
    },
    {
      // Components rendered to HTML strings with Solid's server build: no DOM is installed, and this
      // still shows what the markup contains (e.g. that message text is escaped, never raw HTML).
      ...common,
      displayName: 'ui-ssr',
      testMatch: ['<rootDir>/src/**/*.ssr.test.tsx'],
      transform: { '^.+\\.[cm]?[tj]sx?$': ['babel-jest', { configFile: path.join(__dirname, 'src/testing/babel-ssr.cjs') }] },
      testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'] },
    },
  ],
};
