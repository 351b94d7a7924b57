module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'voice',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
};
