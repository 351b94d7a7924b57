// Unit tests for the client's logic (stores, address parsing, status words) and the connection
// controller against the real server process (needs `nx run server:build`; the test target
// depends on it). Browser behaviour is tested in e2e/.
const preset = require('../../jest.preset.cjs');
module.exports = {
  ...preset,
  displayName: 'client',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/src/**/*.test.tsx'],
  // Solid's reactive browser build; the "node" condition would load its non-reactive server build.
  testEnvironmentOptions: { customExportConditions: ['browser', 'require', 'default'] },
  moduleNameMapper: {
    ...preset.moduleNameMapper,
    '\\.css$': '<rootDir>/../../libs/ui/src/testing/style-stub.cjs',
    // The controller test opens real sockets with `ws`; its "browser" build only throws.
    '^ws$': require.resolve('ws'),
  },
};
