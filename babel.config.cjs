// Used only by jest: TypeScript and Solid JSX compiled to CommonJS for the test runner.
// Production builds go through esbuild (server) and Vite (client).
module.exports = {
  presets: [
    ['@babel/preset-env', { targets: { node: 'current' } }],
    ['@babel/preset-typescript', { allowDeclareFields: true }],
  ],
  plugins: ['babel-plugin-transform-import-meta'],
  overrides: [
    { test: /\.tsx$/, presets: [['babel-preset-solid', { generate: 'dom' }]] },
  ],
};
