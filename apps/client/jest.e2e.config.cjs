// Browser end-to-end tests: the built client.html in Debian's Chromium (playwright-core)
// against the real built server. Needs `nx run client:build` and `nx run server:build` first
// (the e2e target depends on both). Run in band: each file starts browsers and servers.
const path = require('node:path');
const preset = require('../../jest.preset.cjs');
module.exports = {
  ...preset,
  displayName: 'client-e2e',
  rootDir: path.join(__dirname, '../..'),
  testMatch: ['<rootDir>/apps/client/e2e/**/*.test.ts'],
  testTimeout: 90_000,
  // Solid is not used here; the Node session client is.
};
