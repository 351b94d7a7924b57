// Compiled (never run) by build.sh after wasm-bindgen: fails when src/glue.d.ts promises
// something the generated pkg/lemon_crypto.d.ts does not provide.
import * as generated from '../pkg/lemon_crypto.js';
import type * as declared from '../src/glue.js';

export const glueMatchesDeclarations: typeof declared = generated;
