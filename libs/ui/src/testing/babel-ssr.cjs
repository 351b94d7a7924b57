// Used only by the "ui-ssr" jest project: Solid JSX compiled for server rendering, so component
// output can be checked as an HTML string in node (no DOM implementation is installed).
module.exports = {
  presets: [
    ['@babel/preset-env', { targets: { node: 'current' } }],
    ['@babel/preset-typescript', { allowDeclareFields: true }],
  ],
  overrides: [{ test: /\.tsx$/, presets: [['babel-preset-solid', { generate: 'ssr', hydratable: false }]] }],
};
