/**
 * Opus encoding in a real browser: the WebCodecs encoder (libs/audio/src/webcodecs-encoder.ts)
 * against the libopus-wasm one (libs/audio/src/encoder.ts), both in headless Chromium on a
 * file:// page (a secure context, which WebCodecs needs). libs/audio is bundled for the
 * browser; each encoder encodes N seconds of a 440 Hz tone, fed in real time (one frame every
 * 20 ms, as a microphone would), then again as fast as it will go.
 *
 * Prints, per encoder: time inside encode() p50/p99 (for WebCodecs the call only queues the
 * frame; the encoding happens on another thread), time from encode() to its packet p50/p99,
 * output lag (frames handed in beyond the one whose packet just arrived: before the first
 * packet and in steady state), packet sizes (all equal = CBR), throughput when not paced,
 * and the decoded tone's frequency — packets are decoded in Node with the repo's
 * createOpusDecoder (libopus-wasm) and must give 440 ± 10 Hz. Short runs then change the
 * bitrate (frame 50) and the loss hint (frame 75) mid-stream — WebCodecs paced and unpaced
 * (configure() again; unpaced, Chromium delivers packets out of order around the change),
 * WASM as the reference — and show each frame's packet size, Opus mode and decoded level
 * around the changes; another checks whether a loss-hint change alone alters the packets. The
 * bench exits 1 if a check fails (tone, missing packets, packet sizes out of step with the
 * bitrate, close() not rejecting). Timer resolution in the page is Chromium's (100 µs on a page
 * that is not cross-origin isolated), so sub-0.1 ms figures read as 0 or 0.1.
 * Run: node tools/bench/run.mjs opus-browser [--seconds 10] [--bitrate 48000] [--complexity 5]
 */
import { createOpusDecoder, dominantFrequency, FRAME_SAMPLES, rms } from '@lemon/audio';
import { launchBrowser } from '@lemon/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleForBrowser, saveResults } from './common';

const GLOBAL = 'lemonAudio';

function parseArgs(argv: string[]) {
  const opts = { seconds: 10, bitrate: 48_000, complexity: 5 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') opts.seconds = Number(argv[++i]);
    else if (argv[i] === '--bitrate') opts.bitrate = Number(argv[++i]);
    else if (argv[i] === '--complexity') opts.complexity = Number(argv[++i]);
  }
  return opts;
}

/** What the page reports for one encoder run. */
interface PageRun {
  backend: string;
  createMs: number;
  /** Paced run (one frame per 20 ms): per frame, time inside encode(), ms. */
  callMs: number[];
  /** Per frame, encode() call to packet in hand, ms (null: never came). */
  latencyMs: (number | null)[];
  /** Per frame, frames handed in after it by the time its packet arrived. */
  lag: (number | null)[];
  /** Frames handed in before the first packet arrived. */
  inputsBeforeFirstOutput: number;
  /** Packets still missing 500 ms after the last frame went in. */
  missingAtEnd: number;
  packets: number[][];
  /** Unpaced run: all frames handed in back to back, then every packet awaited. */
  burstMs: number;
  burstCallMs: number;
}

interface ReconfigureRun {
  frames: number;
  packets: number;
  sizes: number[];
  packetsAll: number[][];
  bitrateAfter: number;
}

interface CloseRun {
  rejected: number;
  resolved: number;
  encodeAfterCloseThrew: boolean;
  rangeErrorThrown: boolean;
}

/** The whole in-page measurement; runs in Chromium (serialised by Playwright). */
async function pageMeasure(args: { name: string; seconds: number; bitrate: number; complexity: number }) {
  type VoiceEncoder = {
    backend: string;
    bitrate: number;
    encode(f: Float32Array): Uint8Array | Promise<Uint8Array>;
    setBitrate(b: number): number;
    setPacketLossPercent(p: number): void;
    close(): void;
  };
  type Options = { bitrate?: number; complexity?: number; packetLossPercent?: number };
  type Api = {
    createOpusEncoder(o: Options): Promise<VoiceEncoder>;
    createWebCodecsOpusEncoder(o: Options): Promise<VoiceEncoder>;
    webCodecsOpusSupported(o: Options): Promise<boolean>;
    sineFrames(freq: number, seconds: number, amplitude?: number): Iterable<Float32Array>;
  };
  const api = (globalThis as unknown as Record<string, Api>)[args.name]!;
  const options = { bitrate: args.bitrate, complexity: args.complexity };
  const frames = [...api.sineFrames(440, args.seconds, 0.5)];
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

  // What this Chromium makes of the configuration, field by field.
  type Encoder = { isConfigSupported(c: unknown): Promise<{ supported?: boolean; config?: unknown }> };
  const AE = (globalThis as unknown as { AudioEncoder?: Encoder }).AudioEncoder;
  const probe = async (config: unknown) => {
    try {
      const s = await AE!.isConfigSupported(config);
      return { supported: s.supported === true, config: s.config };
    } catch (e) {
      return { supported: false, error: String(e) };
    }
  };
  const base = { codec: 'opus', sampleRate: 48000, numberOfChannels: 1, bitrate: args.bitrate };
  const support = AE
    ? {
        constant: await probe({ ...base, bitrateMode: 'constant' }),
        opusSubConfig: await probe({
          ...base,
          bitrateMode: 'constant',
          opus: { frameDuration: 20000, complexity: args.complexity, packetlossperc: 10, useinbandfec: true, usedtx: false, format: 'opus', application: 'voip' },
        }),
        ogg: await probe({ ...base, opus: { format: 'ogg' } }),
      }
    : null;
  const supported = await api.webCodecsOpusSupported(options);

  async function run(make: () => Promise<VoiceEncoder>): Promise<PageRun> {
    const c0 = performance.now();
    const encoder = await make();
    const createMs = performance.now() - c0;
    const n = frames.length;
    const callMs: number[] = [];
    const latencyMs: (number | null)[] = new Array(n).fill(null);
    const lag: (number | null)[] = new Array(n).fill(null);
    const packets: number[][] = new Array(n).fill([]);
    let submitted = 0;
    let inputsBeforeFirstOutput = -1;
    const done: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      // Real time: frame i goes in at start + 20 i ms.
      await sleep(start + i * 20 - performance.now());
      const t0 = performance.now();
      const out = encoder.encode(frames[i]!);
      callMs.push(performance.now() - t0);
      submitted++;
      const got = (packet: Uint8Array) => {
        latencyMs[i] = performance.now() - t0;
        lag[i] = submitted - (i + 1);
        if (inputsBeforeFirstOutput < 0) inputsBeforeFirstOutput = submitted;
        packets[i] = Array.from(packet);
      };
      if (out instanceof Uint8Array) got(out);
      else done.push(out.then(got));
    }
    await Promise.race([Promise.all(done), sleep(500)]);
    const missingAtEnd = latencyMs.filter((x) => x === null).length;
    // Unpaced: how fast the encoder goes when fed back to back.
    const b0 = performance.now();
    const burst: (Uint8Array | Promise<Uint8Array>)[] = [];
    for (const f of frames) burst.push(encoder.encode(f));
    const burstCallMs = performance.now() - b0;
    await Promise.race([Promise.all(burst), sleep(10_000)]);
    const burstMs = performance.now() - b0;
    encoder.close();
    return { backend: encoder.backend, createMs, callMs, latencyMs, lag, inputsBeforeFirstOutput, missingAtEnd, packets, burstMs, burstCallMs };
  }

  const wasm = await run(() => api.createOpusEncoder(options));
  if (!supported) return { support, supported, wasm, webcodecs: null, reconfigure: null, lossHint: null, closing: null };
  const webcodecs = await run(() => api.createWebCodecsOpusEncoder(options));

  // Reconfigure mid-stream: bitrate at frame 50, loss hint at frame 75, in real time. The WASM
  // encoder does the same, as the reference for what a bitrate change itself sounds like.
  const changeMidStream = async (make: () => Promise<VoiceEncoder>, paced = true): Promise<ReconfigureRun> => {
    const encoder = await make();
    const got: number[][] = [];
    const pending: Promise<void>[] = [];
    const count = Math.min(100, frames.length);
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      if (paced) await sleep(start + i * 20 - performance.now());
      if (i === 50) encoder.setBitrate(args.bitrate / 2);
      if (i === 75) encoder.setPacketLossPercent(25);
      pending.push(Promise.resolve(encoder.encode(frames[i]!)).then((p) => void (got[i] = Array.from(p))));
    }
    await Promise.race([Promise.all(pending), sleep(2000)]);
    const bitrateAfter = encoder.bitrate;
    encoder.close();
    const packetsAll = Array.from({ length: count }, (_, i) => got[i] ?? []);
    return { frames: count, packets: got.filter(Boolean).length, sizes: packetsAll.map((p) => p.length), packetsAll, bitrateAfter };
  };
  const reconfigure = {
    webcodecs: await changeMidStream(() => api.createWebCodecsOpusEncoder(options)),
    // All 100 frames handed in back to back: Chromium then delivers packets out of order
    // around the change, which the encoder must sort out by timestamp.
    'webcodecs unpaced': await changeMidStream(() => api.createWebCodecsOpusEncoder(options), false),
    wasm: await changeMidStream(() => api.createOpusEncoder(options)),
  };

  // Does a loss-hint change alone reach the encoder? At 24 kbit/s (SILK/hybrid, where in-band
  // FEC costs bits) encode a modulated two-tone signal with hint 0, changing it to 40 % at frame
  // 50 or not; count packets from frame 50 on that are byte-identical between the two.
  const speechy = Array.from({ length: 100 }, (_, f) =>
    Float32Array.from({ length: 960 }, (_, i) => {
      const t = (f * 960 + i) / 48000;
      return 0.3 * Math.sin(2 * Math.PI * 220 * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t)) + 0.1 * Math.sin(2 * Math.PI * 1700 * t);
    }),
  );
  const lossRun = async (make: () => Promise<VoiceEncoder>, change: boolean) => {
    const encoder = await make();
    const out: string[] = [];
    for (let i = 0; i < speechy.length; i++) {
      if (change && i === 50) encoder.setPacketLossPercent(40);
      out.push(Array.from(await encoder.encode(speechy[i]!)).join(','));
    }
    encoder.close();
    return out;
  };
  const lossOpts = { bitrate: 24_000, complexity: args.complexity, packetLossPercent: 0 };
  const lossHint: Record<string, number> = {};
  for (const [backend, make] of [
    ['webcodecs', () => api.createWebCodecsOpusEncoder(lossOpts)],
    ['libopus-wasm', () => api.createOpusEncoder(lossOpts)],
  ] as const) {
    const same = await lossRun(make, false);
    const changed = await lossRun(make, true);
    lossHint[backend] = same.slice(50).filter((p, i) => p === changed[50 + i]).length;
  }

  // close() rejects what is still waiting; encode() afterwards throws; a wrong length is a RangeError.
  const closing: CloseRun = await (async () => {
    const encoder = await api.createWebCodecsOpusEncoder(options);
    let rangeErrorThrown = false;
    try {
      void encoder.encode(new Float32Array(480));
    } catch (e) {
      rangeErrorThrown = e instanceof RangeError;
    }
    const outcomes = await Promise.allSettled(
      (() => {
        const ps = [0, 1, 2].map((i) => encoder.encode(frames[i]!) as Promise<Uint8Array>);
        encoder.close();
        return ps;
      })(),
    );
    let encodeAfterCloseThrew = false;
    try {
      void encoder.encode(frames[0]!);
    } catch {
      encodeAfterCloseThrew = true;
    }
    encoder.close();
    return {
      rejected: outcomes.filter((o) => o.status === 'rejected').length,
      resolved: outcomes.filter((o) => o.status === 'fulfilled').length,
      encodeAfterCloseThrew,
      rangeErrorThrown,
    };
  })();

  return { support, supported, wasm, webcodecs, reconfigure, lossHint, closing };
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN;
};
const round = (x: number, digits = 2): number => +x.toFixed(digits);

/** Decodes packets in Node and finds the tone; the first 10 frames (start-up) are left out. */
async function decodedFrequency(packets: number[][]): Promise<{ hz: number | null; decodeErrors: number; onsetSample: number; frameRms: number[] }> {
  const decoder = await createOpusDecoder();
  const pcm = new Float32Array(packets.length * FRAME_SAMPLES);
  packets.forEach((p, i) => pcm.set(p.length ? decoder.decode(Uint8Array.from(p)) : decoder.conceal(), i * FRAME_SAMPLES));
  const decodeErrors = decoder.stats().errors;
  decoder.close();
  const candidates = Array.from({ length: 301 }, (_, i) => 300 + i); // 300..600 Hz, 1 Hz steps
  const hz = dominantFrequency(pcm.subarray(10 * FRAME_SAMPLES), candidates);
  // Encoder + decoder delay: the tone starts at sample 0 of the input; where does it start here?
  const onsetSample = pcm.findIndex((x) => Math.abs(x) > 0.1);
  const frameRms = Array.from({ length: packets.length }, (_, i) => rms(pcm.subarray(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES)));
  return { hz, decodeErrors, onsetSample, frameRms };
}

function summarise(run: PageRun, { hz, decodeErrors, onsetSample }: { hz: number | null; decodeErrors: number; onsetSample: number }) {
  const lags = run.lag.filter((x): x is number => x !== null);
  const steady = lags.slice(10);
  const latencies = run.latencyMs.filter((x): x is number => x !== null);
  const sizes = run.packets.filter((p) => p.length).map((p) => p.length);
  const sizeSet = [...new Set(sizes)].sort((a, b) => a - b);
  const afterFirst = [...new Set(sizes.slice(1))];
  return {
    backend: run.backend,
    'create ms': round(run.createMs, 1),
    'encode() call p50 ms': round(percentile(run.callMs, 50)),
    'encode() call p99 ms': round(percentile(run.callMs, 99)),
    'to packet p50 ms': round(percentile(latencies, 50)),
    'to packet p99 ms': round(percentile(latencies, 99)),
    'inputs before 1st packet': run.inputsBeforeFirstOutput,
    'lag steady max (frames)': steady.length ? Math.max(...steady) : NaN,
    'lag steady p50 (frames)': percentile(steady, 50),
    'packets missing at end': run.missingAtEnd,
    'packet bytes': sizeSet.length <= 3 ? sizeSet.join('/') : `${sizeSet[0]}..${sizeSet[sizeSet.length - 1]} (${sizeSet.length} sizes)`,
    'CBR (all equal after 1st)': afterFirst.length === 1,
    'burst x real time': round((run.packets.length * 20) / run.burstMs, 0),
    'burst call ms/frame': round(run.burstCallMs / run.packets.length, 3),
    'decode errors': decodeErrors,
    'tone onset (samples)': onsetSample,
    'decoded Hz': hz,
    '440±10 Hz': hz !== null && Math.abs(hz - 440) <= 10,
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const script = await bundleForBrowser('libs/audio/src/index.ts', GLOBAL);
  const dir = mkdtempSync(join(tmpdir(), 'lemon-opus-bench-'));
  const html = join(dir, 'opus.html');
  writeFileSync(html, '<!doctype html><meta charset="utf-8"><title>opus bench</title>');
  const launched = await launchBrowser();
  try {
    const chromium = launched.browser.version();
    const context = await launched.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`pageerror: ${error.message}`));
    await page.goto(pathToFileURL(html).href);
    await page.addScriptTag({ content: script });
    const ready = await page.evaluate((name) => ({ secure: globalThis.isSecureContext, loaded: typeof (globalThis as never)[name] === 'object' }), GLOBAL);
    if (!ready.secure || !ready.loaded) throw new Error(`page not usable: ${JSON.stringify(ready)}`);
    process.stderr.write(`opus-browser: ${opts.seconds} s of 440 Hz per encoder, real time then unpaced…\n`);
    const r = await page.evaluate(pageMeasure, { name: GLOBAL, ...opts });

    console.log(`Chromium ${chromium}; ${opts.seconds} s of 440 Hz at ${opts.bitrate} bit/s, complexity ${opts.complexity}`);
    console.log(`isConfigSupported: bitrateMode constant → ${JSON.stringify(r.support?.constant)}`);
    console.log(`isConfigSupported: opus sub-config → ${JSON.stringify(r.support?.opusSubConfig)}`);
    console.log(`isConfigSupported: opus format 'ogg' → ${JSON.stringify(r.support?.ogg)}`);
    console.log(`webCodecsOpusSupported() → ${r.supported}`);
    const rows = [summarise(r.wasm, await decodedFrequency(r.wasm.packets))];
    if (r.webcodecs) rows.push(summarise(r.webcodecs, await decodedFrequency(r.webcodecs.packets)));
    console.table(rows);
    const reconfigure: Record<string, unknown>[] = [];
    if (r.reconfigure) {
      const rmsLines: string[] = [];
      for (const [backend, run] of Object.entries(r.reconfigure)) {
        const s = run.sizes;
        const seg = (a: number, b: number) => [...new Set(s.slice(a, b))].join('/');
        const all = await decodedFrequency(run.packetsAll);
        const tail = await decodedFrequency(run.packetsAll.slice(50));
        reconfigure.push({
          backend,
          frames: run.frames,
          packets: run.packets,
          'bytes 1-49': seg(1, 50),
          'bytes 50-74 (after setBitrate)': seg(50, 75),
          'bytes 75-99 (after setPacketLossPercent)': seg(75, 100),
          // Opus TOC bytes (mode/bandwidth): 40/43 CELT, 72/75 SILK or hybrid.
          'TOC 50-74': [...new Set(run.packetsAll.slice(50, 75).map((p) => p[0]))].join('/'),
          'TOC 75-99': [...new Set(run.packetsAll.slice(75, 100).map((p) => p[0]))].join('/'),
          bitrateAfter: run.bitrateAfter,
          'decoded Hz': all.hz,
          'decoded Hz, frames 50-99': tail.hz,
        });
        // A tone at 0.5 amplitude has RMS 0.354 per frame. A dip at frame 50 with no change of
        // mode is a glitch; at 75 a higher loss hint can switch libopus from CELT to SILK/hybrid
        // (see the TOC columns), which renders a pure tone badly whichever encoder does it.
        const around = (at: number) => all.frameRms.slice(at - 3, at + 4).map((x) => x.toFixed(3)).join(' ');
        rmsLines.push(`${backend}: decoded RMS per frame, frames 47-53: ${around(50)} | frames 72-78: ${around(75)}`);
      }
      console.log(`Bitrate halved (setBitrate) at frame 50, setPacketLossPercent(25) at frame 75 (real time unless 'unpaced'):`);
      console.table(reconfigure);
      for (const line of rmsLines) console.log(line);
    }
    if (r.lossHint) {
      console.log(
        `setPacketLossPercent(0 → 40) alone at frame 50, 24 kbit/s: packets 50-99 byte-identical to a run without the change: ` +
          Object.entries(r.lossHint).map(([k, v]) => `${k} ${v}/50`).join(', ') + ' (50/50 = the change had no effect)',
      );
    }
    if (r.closing) console.log(`close() with 3 frames in flight: ${r.closing.rejected} rejected, ${r.closing.resolved} resolved; encode() after close throws: ${r.closing.encodeAfterCloseThrew}; wrong length → RangeError: ${r.closing.rangeErrorThrown}`);
    const failures: string[] = [];
    for (const row of rows) {
      if (!row['440±10 Hz']) failures.push(`${row.backend}: decoded ${row['decoded Hz']} Hz`);
      if (row['packets missing at end']) failures.push(`${row.backend}: ${row['packets missing at end']} packets missing`);
    }
    for (const [backend, run] of Object.entries(r.reconfigure ?? {})) {
      const ok = run.packets === run.frames && run.sizes.every((n, i) => i === 0 || n === (i < 50 ? run.sizes[1] : run.sizes[60]) && (i < 50 ? n > run.sizes[60]! : true));
      if (!ok) failures.push(`${backend}: packet sizes out of step with the bitrate change: ${run.sizes.join(' ')}`);
    }
    if (r.closing && (r.closing.rejected !== 3 || !r.closing.encodeAfterCloseThrew || !r.closing.rangeErrorThrown)) failures.push(`close/RangeError: ${JSON.stringify(r.closing)}`);
    const raw = (run: PageRun) => ({ callMs: run.callMs, latencyMs: run.latencyMs, lag: run.lag, sizes: run.packets.map((p) => p.length) });
    saveResults('opus-browser', {
      chromium,
      options: opts,
      support: r.support,
      rows,
      reconfigure,
      lossHint: r.lossHint,
      closing: r.closing,
      failures,
      raw: { wasm: raw(r.wasm), webcodecs: r.webcodecs ? raw(r.webcodecs) : null },
    });
    if (failures.length) {
      console.error(`FAILED:\n  ${failures.join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    await launched.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
