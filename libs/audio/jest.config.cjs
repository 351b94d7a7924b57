const path = require('node:path');
const preset = require('../../jest.preset.cjs');
const root = path.join(__dirname, '../..');

module.exports = {
  ...preset,
  displayName: 'audio',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  transform: {
    // libopus-wasm is ESM-only, so jest (CommonJS) must compile it. Its generated
    // Emscripten module embeds the WASM (nothing is fetched) but reads
    // `import.meta.url` inside a function that declares its own `var require`.
    // The repo-wide babel config rewrites import.meta.url to `require('url')…`,
    // which that local `require` shadows ("_require is not a function"); the
    // plugin's ES6 mode imports `url` at the top of the file instead.
    '/node_modules/libopus-wasm/.+\\.m?js$': [
      'babel-jest',
      {
        configFile: false,
        babelrc: false,
        presets: [['@babel/preset-env', { targets: { node: 'current' } }]],
        plugins: [['babel-plugin-transform-import-meta', { module: 'ES6' }]],
      },
    ],
    ...preset.transform,
  },
  // The preset's exception (solid-js) is kept; libopus-wasm is added to it.
  transformIgnorePatterns: ['/node_modules/(?!(solid-js|libopus-wasm)/)'],
  moduleNameMapper: {
    ...preset.moduleNameMapper,
    // Its package.json exports only "import" and "browser" conditions, which jest's
    // CommonJS resolver does not try.
    '^libopus-wasm$': path.join(root, 'node_modules/libopus-wasm/dist/index.js'),
  },
};
