#!/usr/bin/env node
// Runs a benchmark written in TypeScript: bundles tools/bench/<name>.ts with esbuild
// (node_modules stay external, @lemon/* aliases are bundled) and runs it with the
// remaining arguments. Usage: node tools/bench/run.mjs connections [--sizes 100,1000]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.error('usage: node tools/bench/run.mjs <benchmark> [args…]');
  process.exit(2);
}
const BUNDLED = ['libopus-wasm'];
const outdir = join(here, '.build');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, `${name}.cjs`);
await build({
  entryPoints: [join(here, `${name}.ts`)],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // node_modules stay external, except ESM-only packages a CommonJS bundle cannot require.
  plugins: [
    {
      name: 'externals',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@lemon/') || BUNDLED.some((name) => args.path === name || args.path.startsWith(`${name}/`))
            ? undefined
            : { path: args.path, external: true },
        );
      },
    },
  ],
  // Bundled ESM code may read import.meta.url (libopus-wasm does); give it this file's URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  tsconfig: join(here, '../../tsconfig.base.json'),
  logLevel: 'warning',
});
const result = spawnSync(process.execPath, ['--expose-gc', outfile, ...args], { stdio: 'inherit', cwd: join(here, '../..') });
process.exit(result.status ?? 1);
