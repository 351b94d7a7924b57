// Shared jest settings; each project's jest.config.cjs spreads this in.
const path = require('node:path');
const root = __dirname;
module.exports = {
  testEnvironment: 'node',
  transform: {
    // libopus-wasm (Opus, used through @lemon/audio) is ESM-only, so jest (CommonJS) must
    // compile it. Its generated Emscripten module embeds the WASM (nothing is fetched) but reads
    // `import.meta.url` inside a function that declares its own `var require`. The repo-wide
    // babel config rewrites import.meta.url to `require('url')…`, which that local `require`
    // shadows ("_require is not a function"); the plugin's ES6 mode imports `url` at the top.
    '/node_modules/libopus-wasm/.+\\.m?js$': [
      'babel-jest',
      {
        configFile: false,
        babelrc: false,
        presets: [['@babel/preset-env', { targets: { node: 'current' } }]],
        plugins: [['babel-plugin-transform-import-meta', { module: 'ES6' }]],
      },
    ],
    '^.+\\.[cm]?[tj]sx?$': ['babel-jest', { configFile: path.join(root, 'babel.config.cjs') }],
  },
  // ESM-only packages must be compiled for jest's CommonJS runtime too.
  transformIgnorePatterns: ['/node_modules/(?!(solid-js|libopus-wasm)/)'],
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
    '^@lemon/voice$': path.join(root, 'libs/voice/src/index.ts'),
    '^@lemon/testing$': path.join(root, 'tools/testing/index.ts'),
    // Its package.json exports only "import" and "browser" conditions, which jest's CommonJS
    // resolver does not try.
    '^libopus-wasm$': path.join(root, 'node_modules/libopus-wasm/dist/index.js'),
  },
  testTimeout: 30000,
};
