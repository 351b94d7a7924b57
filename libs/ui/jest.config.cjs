module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'ui',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/src/**/*.test.tsx'],
  // Solid's browser build (reactive); the default "node" condition loads its non-reactive server build.
  testEnvironmentOptions: { customExportConditions: ['browser', 'require', 'default'] },
  moduleNameMapper: { ...require('../../jest.preset.cjs').moduleNameMapper, '\\.css$': '<rootDir>/src/testing/style-stub.cjs' },
};
