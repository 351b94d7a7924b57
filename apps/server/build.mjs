// Bundles the server into apps/server/dist/main.js (ESM, Node 20). npm packages stay
// external (node_modules is resolved at run time); the @lemon/* libraries are bundled
// through the tsconfig path aliases. The crypto WASM is copied next to main.js.
// Run from anywhere: paths are resolved from this file.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const project = dirname(fileURLToPath(import.meta.url));
const root = join(project, '../..');
const dist = join(project, 'dist');
const wasm = join(root, 'libs/crypto-wasm/pkg/lemon_crypto_bg.wasm');

if (!existsSync(wasm)) {
  console.error(
    `server build: ${relative(root, wasm)} is missing. Build the crypto library first ` +
      '(`npx nx build server` does that through ^build, or run `bash libs/crypto-wasm/build.sh`).',
  );
  process.exit(1);
}

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await build({
  entryPoints: [join(project, 'src/main.ts')],
  outfile: join(dist, 'main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  tsconfig: join(project, 'tsconfig.app.json'),
  sourcemap: true,
  define: { __LEMON_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});
copyFileSync(wasm, join(dist, 'lemon_crypto_bg.wasm'));
console.log(`server build: ${relative(root, join(dist, 'main.js'))} and lemon_crypto_bg.wasm (v${version})`);
