/**
 * Picture encryption in a real browser: libs/chat/src/pictures.ts is bundled for the browser
 * and loaded into headless Chromium, which encrypts (AES-256-GCM + SHA-256 of the ciphertext)
 * and decrypts (SHA-256 check + AES-256-GCM) random pictures of each size. Times are taken
 * inside the page with performance.now(); every decrypted picture is compared with the
 * original. Prints median/max per size and writes JSON. With --gc, V8 collects garbage
 * before every timed run (outside the timing), so one run's leftovers do not land in the next.
 * Run: node tools/bench/run.mjs picture [--sizes 1,10] [--runs 10] [--warmup 2] [--gc]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, REPO_ROOT } from '@lemon/testing';
import { bundleForBrowser } from './common';

const MIB = 1024 * 1024;
const GLOBAL = 'lemonPictures';

function parseArgs(argv: string[]) {
  const opts = { sizesMiB: [1, 10], runs: 10, warmup: 2, gc: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sizes') opts.sizesMiB = argv[++i]!.split(',').map(Number);
    else if (argv[i] === '--runs') opts.runs = Number(argv[++i]);
    else if (argv[i] === '--warmup') opts.warmup = Number(argv[++i]);
    else if (argv[i] === '--gc') opts.gc = true;
  }
  return opts;
}

/** A loopback page to run in: http://127.0.0.1 is a secure context, so crypto.subtle exists. */
async function startPageServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>picture bench</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

interface PageRun {
  encryptMs: number;
  decryptMs: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (x: number, digits = 1): number => +x.toFixed(digits);

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const script = await bundleForBrowser('libs/chat/src/pictures.ts', GLOBAL);
  const { server, url } = await startPageServer();
  const launched = await launchBrowser({ args: opts.gc ? ['--js-flags=--expose-gc'] : [] });
  try {
    const chromiumVersion = launched.browser.version();
    const context = await launched.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`pageerror: ${error.message}`));
    await page.goto(url);
    await page.addScriptTag({ content: script });
    const ready = await page.evaluate(
      (name) => ({ secure: globalThis.isSecureContext, subtle: !!globalThis.crypto?.subtle, loaded: typeof (globalThis as never)[name] === 'object' }),
      GLOBAL,
    );
    if (opts.gc && !(await page.evaluate(() => typeof (globalThis as { gc?: unknown }).gc === 'function'))) throw new Error('--gc: gc() is not exposed');
    if (!ready.secure || !ready.subtle || !ready.loaded) throw new Error(`page not usable: ${JSON.stringify(ready)}`);

    const rows = [];
    const raw: Record<string, PageRun[]> = {};
    for (const sizeMiB of opts.sizesMiB) {
      const bytes = Math.round(sizeMiB * MIB);
      process.stderr.write(`picture: ${sizeMiB} MiB × ${opts.warmup} warm-up + ${opts.runs} runs…\n`);
      const runs = await page.evaluate(
        async ({ name, bytes, total, gc }) => {
          type Api = {
            encryptPicture(p: Uint8Array): Promise<{ ciphertext: Uint8Array; key: Uint8Array; nonce: Uint8Array; sha256: Uint8Array }>;
            decryptPicture(c: Uint8Array, k: Uint8Array, n: Uint8Array, h: Uint8Array): Promise<Uint8Array>;
          };
          const api = (globalThis as unknown as Record<string, Api>)[name]!;
          const out: { encryptMs: number; decryptMs: number }[] = [];
          for (let r = 0; r < total; r++) {
            // A fresh random picture each run (getRandomValues fills at most 65,536 bytes per call).
            const picture = new Uint8Array(bytes);
            for (let at = 0; at < bytes; at += 65_536) crypto.getRandomValues(picture.subarray(at, Math.min(at + 65_536, bytes)));
            if (gc) (globalThis as unknown as { gc(): void }).gc();
            const t0 = performance.now();
            const sealed = await api.encryptPicture(picture);
            const t1 = performance.now();
            const opened = await api.decryptPicture(sealed.ciphertext, sealed.key, sealed.nonce, sealed.sha256);
            const t2 = performance.now();
            if (sealed.ciphertext.length !== bytes + 16) throw new Error(`run ${r}: ciphertext is ${sealed.ciphertext.length} bytes, expected ${bytes + 16}`);
            if (opened.length !== bytes) throw new Error(`run ${r}: decrypted ${opened.length} bytes, expected ${bytes}`);
            for (let i = 0; i < bytes; i++) {
              if (opened[i] !== picture[i]) throw new Error(`run ${r}: decrypted picture differs from the original at byte ${i}`);
            }
            out.push({ encryptMs: t1 - t0, decryptMs: t2 - t1 });
          }
          return out;
        },
        { name: GLOBAL, bytes, total: opts.warmup + opts.runs, gc: opts.gc },
      );
      const measured = runs.slice(opts.warmup);
      raw[`${sizeMiB}MiB`] = measured;
      const enc = measured.map((r) => r.encryptMs);
      const dec = measured.map((r) => r.decryptMs);
      const mbPerS = (ms: number) => round(bytes / 1e6 / (ms / 1000), 0);
      rows.push({
        size: `${sizeMiB} MiB`,
        bytes,
        runs: measured.length,
        encryptMedianMs: round(median(enc)),
        encryptMaxMs: round(Math.max(...enc)),
        encryptMBps: mbPerS(median(enc)),
        decryptMedianMs: round(median(dec)),
        decryptMaxMs: round(Math.max(...dec)),
        decryptMBps: mbPerS(median(dec)),
      });
    }
    console.log(`Chromium ${chromiumVersion}${opts.gc ? ', forced GC before each run' : ''}; decrypted output equal to the original in every run`);
    console.table(rows);

    const outDir = join(REPO_ROOT, 'tools/bench/results');
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `picture-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, chromium: chromiumVersion };
    writeFileSync(file, JSON.stringify({ benchmark: 'picture', date: new Date().toISOString(), machine, options: opts, rows, raw }, null, 2));
    console.log(`written ${file}`);
  } finally {
    await launched.close();
    server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
