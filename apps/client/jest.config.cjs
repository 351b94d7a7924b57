// Unit tests for the client's pure logic (stores, address parsing, status words, the
// connection controller against a scripted fake server). Browser behaviour is tested in e2e/.
const preset = require('../../jest.preset.cjs');
module.exports = {
  ...preset,
  displayName: 'client',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/src/**/*.test.tsx'],
  // Solid's reactive browser build; the "node" condition would load its non-reactive server build.
  testEnvironmentOptions: { customExportConditions: ['browser', 'require', 'default'] },
  moduleNameMapper: { ...preset.moduleNameMapper, '\\.css$': '<rootDir>/../../libs/ui/src/testing/style-stub.cjs' },
};
