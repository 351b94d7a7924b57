module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'crypto-wasm',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
};
