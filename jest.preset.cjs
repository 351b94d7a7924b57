// Shared jest settings; each project's jest.config.cjs spreads this in.
const path = require('node:path');
const root = __dirname;
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.[cm]?[tj]sx?$': ['babel-jest', { configFile: path.join(root, 'babel.config.cjs') }] },
  // ESM-only packages must be compiled for jest's CommonJS runtime too.
  transformIgnorePatterns: ['/node_modules/(?!(solid-js)/)'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  moduleNameMapper: {
    '^@lemon/protocol$': path.join(root, 'libs/protocol/src/index.ts'),
    '^@lemon/crypto-wasm$': path.join(root, 'libs/crypto-wasm/src/index.ts'),
    '^@lemon/crypto-wasm/node$': path.join(root, 'libs/crypto-wasm/src/node.ts'),
    '^@lemon/audio$': path.join(root, 'libs/audio/src/index.ts'),
    '^@lemon/ui$': path.join(root, 'libs/ui/src/index.ts'),
    '^@lemon/session$': path.join(root, 'libs/session/src/index.ts'),
    '^@lemon/chat$': path.join(root, 'libs/chat/src/index.ts'),
    '^@lemon/chat/node$': path.join(root, 'libs/chat/src/node.ts'),
    '^@lemon/testing$': path.join(root, 'tools/testing/index.ts'),
  },
  testTimeout: 30000,
};
