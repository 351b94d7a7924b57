module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'audio',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
};
