// Builds the whole client into ONE self-contained file, apps/client/dist/client.html:
// JS, CSS and the crypto WebAssembly are inlined; nothing is fetched at run time, so the
// page works opened from disk (file://) as well as served by the Lemon Chat server at `/`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { viteSingleFile } from 'vite-plugin-singlefile';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const lib = (path: string) => `${root}libs/${path}`;

export default defineConfig({
  root: here,
  base: './',
  // Vite does not read tsconfig paths: the workspace libraries are mapped here.
  resolve: {
    alias: [
      { find: /^@lemon\/protocol$/, replacement: lib('protocol/src/index.ts') },
      { find: /^@lemon\/session$/, replacement: lib('session/src/index.ts') },
      { find: /^@lemon\/chat$/, replacement: lib('chat/src/index.ts') },
      { find: /^@lemon\/audio$/, replacement: lib('audio/src/index.ts') },
      { find: /^@lemon\/voice$/, replacement: lib('voice/src/index.ts') },
      { find: /^@lemon\/ui$/, replacement: lib('ui/src/index.ts') },
      { find: /^@lemon\/crypto-wasm$/, replacement: lib('crypto-wasm/src/index.ts') },
      // The built module itself, imported with ?inline (see src/crypto/load.ts).
      { find: /^@lemon\/crypto-wasm\/pkg\/(.*)$/, replacement: lib('crypto-wasm/pkg/$1') },
    ],
  },
  plugins: [solid(), viteSingleFile({ removeViteModuleLoader: true, outputFileName: 'client.html' })],
  build: {
    outDir: `${here}dist`,
    emptyOutDir: true,
    target: 'es2022',
    // Nothing to preload: there is one file.
    modulePreload: false,
    reportCompressedSize: false,
    sourcemap: false,
    rollupOptions: {
      onwarn(warning, warn) {
        // Dependencies' misplaced /*@__PURE__*/ comments (zod): harmless, Rollup drops them.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/')) return;
        warn(warning);
      },
    },
  },
  // The file is opened from disk: no public/ folder, no network.
  publicDir: false,
  logLevel: 'warn',
});
