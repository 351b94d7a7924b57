module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'session',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
};
