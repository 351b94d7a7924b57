// Unit tests live next to the code (src/**/*.test.ts); tests that run the real built
// server as a child process live in test/ (they need `nx build server` first, which the
// test target's dependsOn takes care of).
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'server',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
};
