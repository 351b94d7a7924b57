/**
 * Voice in the real client, end to end: the built client (apps/client/dist/client.html) in
 * headless Chromium against the built server (apps/server/dist/main.js), one Chromium process
 * per person (the fake microphone file is per process).
 *
 * 1. Mouth-to-ear latency. Ann's fake microphone plays a pulse train (957 ms of silence, then a
 *    50 ms 1 kHz burst at amplitude 0.5, every 1007 ms, looped); Ben listens. Both pages run with
 *    `?voice-debug=1`, whose `lemonVoiceDebug.onsets()` gives wall-clock times (timeOrigin +
 *    now, comparable across pages on one machine) of each burst's first loud sample entering
 *    Ann's capture worklet and of it being scheduled to leave Ben's speaker (including the
 *    output latency the browser reports). Each played onset is paired with the latest captured
 *    onset before it (within 500 ms); the first 3 pulses after the path settled are dropped.
 *    Once over data channels, once over the WebSocket (both browsers block UDP through
 *    Chromium's WebRTC policy, so the data channel attempt fails and voice stays on the
 *    WebSocket). Not included: the microphone device's own input latency (the fake device has
 *    none worth measuring; a real one adds its buffer, typically 5–20 ms).
 * 2. Ben's CPU while decoding and mixing, with 0 (idle in the channel), 1 and then N speakers
 *    (extra Chromium instances, each a continuous tone): main-thread TaskDuration and
 *    ScriptDuration from the DevTools Protocol (Performance.getMetrics) over the window, as %
 *    of one core, plus Ben's output underruns in the window.
 *
 * Echo cancellation, noise suppression and auto gain are turned off in each person's voice
 * settings (a pulse train is exactly what noise suppression removes).
 * Build first: npx nx run client:build && npx nx run server:build
 * Run: node tools/bench/run.mjs voice-browser [--seconds 15] [--cpu-seconds 10] [--speakers 3]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatFrames, sineFrames, wavFile } from '@lemon/audio';
import { removeProfileDirs, removeTempDirs, startServerProcess, type ServerProcess } from '@lemon/testing';
import type { Page } from 'playwright-core';
import { launchVoicePerson, type VoicePerson } from '../../apps/client/e2e/helpers';
import { saveResults } from './common';

function parseArgs(argv: string[]) {
  const opts = { seconds: 15, cpuSeconds: 10, speakers: 3 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') opts.seconds = Number(argv[++i]);
    else if (argv[i] === '--cpu-seconds') opts.cpuSeconds = Number(argv[++i]);
    else if (argv[i] === '--speakers') opts.speakers = Number(argv[++i]);
  }
  return opts;
}

const SAMPLE_RATE = 48_000;
/** Pulses dropped at the start of each latency run (jitter buffer and gate settling). */
const DISCARD_PULSES = 3;
/** A played onset pairs with a captured one at most this much earlier. */
const PAIR_WINDOW_MS = 500;
/** Bounded waits for audio to settle on a busy machine. */
const SETTLE = { timeout: 45_000, polling: 100 } as const;
const TONES = [440, 550, 660, 770, 880, 990, 330];

interface Onsets {
  captured: number[];
  sent: number[];
  played: number[];
  /** Per played onset: when its frame was received (decrypted) and pulled from the jitter buffer. */
  received: number[];
  pulled: number[];
}
interface Diagnostics {
  path: string;
  link: { failures: number; upgrades: number; [k: string]: unknown };
  encoder: string | null;
  framesSent: number;
  received: Record<string, number> | null;
  underruns: number;
  outputLatencyMs: number;
  audioRunning: boolean;
}
type Debug = { onsets(): Onsets | null; diagnostics(): Diagnostics | null; outputPeak(): { hz: number; db: number } | null };

/**
 * 30 pulses of: 957 ms silence, 50 ms of 1 kHz at 0.5. The period (1007 ms) is no multiple of
 * the 20 ms frame, the relay's tick or the audio render quantum, so each pulse lands at another
 * phase of all three and the percentiles cover them all (a whole-second period would measure
 * one phase per run, a different one each run).
 */
function pulseWav(): Uint8Array {
  const burstSamples = (SAMPLE_RATE * 50) / 1000;
  const periodSamples = (SAMPLE_RATE * 1007) / 1000;
  // sineFrames works in whole 20 ms frames: make 60 ms and cut it to 50.
  const burst = concatFrames(sineFrames(1000, 0.06, 0.5)).subarray(0, burstSamples);
  const silence = new Float32Array(periodSamples - burstSamples);
  const parts: Float32Array[] = [];
  for (let s = 0; s < 30; s++) parts.push(silence, burst);
  return wavFile(concatFrames(parts));
}

const silenceWav = () => wavFile(new Float32Array(SAMPLE_RATE * 10));
const toneWav = (hz: number) => wavFile(concatFrames(sineFrames(hz, 10, 0.3)));

interface Person extends VoicePerson {
  name: string;
}

const readOnsets = (page: Page): Promise<Onsets> =>
  page.evaluate(() => {
    const d = (window as unknown as { lemonVoiceDebug?: Debug }).lemonVoiceDebug;
    if (!d) throw new Error('no window.lemonVoiceDebug (open with ?voice-debug=1)');
    const o = d.onsets();
    return { captured: o ? [...o.captured] : [], sent: o ? [...o.sent] : [], played: o ? [...o.played] : [], received: o ? [...o.received] : [], pulled: o ? [...o.pulled] : [] };
  });
const readDiagnostics = (page: Page): Promise<Diagnostics | null> =>
  page.evaluate(() => {
    const d = (window as unknown as { lemonVoiceDebug?: Debug }).lemonVoiceDebug;
    if (!d) throw new Error('no window.lemonVoiceDebug (open with ?voice-debug=1)');
    return JSON.parse(JSON.stringify(d.diagnostics())) as Diagnostics | null;
  });

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN;
};
const round = (x: number, digits = 1): number => +x.toFixed(digits);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const audioDir = mkdtempSync(join(tmpdir(), 'lemon-voice-bench-'));
  const wav = (name: string, data: Uint8Array) => {
    const file = join(audioDir, name);
    writeFileSync(file, data);
    return file;
  };
  const pulseFile = wav('pulse.wav', pulseWav());
  const silenceFile = wav('silence.wav', silenceWav());
  const people: Person[] = [];
  const failures: string[] = [];
  let server: ServerProcess | null = null;
  const t0 = Date.now();
  const log = (text: string) => process.stderr.write(`voice-browser [${((Date.now() - t0) / 1000).toFixed(0)} s]: ${text}\n`);

  async function person(name: string, micFile: string, options: { blockUdp?: boolean } = {}): Promise<Person> {
    const p: Person = { ...(await launchVoicePerson({ name, micFile, port: server!.port, ...options })), name };
    people.push(p);
    return p;
  }

  async function leave(...ps: Person[]): Promise<void> {
    for (const p of ps) {
      const unexpected = p.problems.unexpected();
      if (unexpected.length) log(`${p.name}'s console: ${unexpected.slice(0, 5).join(' | ')}`);
      people.splice(people.indexOf(p), 1);
    }
    await Promise.all(ps.map((p) => p.profile.close()));
  }

  const voicePath = (page: Page, path: 'datachannel' | 'websocket') => page.locator(`[data-testid="voice-status"][data-path="${path}"]`).waitFor({ timeout: SETTLE.timeout });

  /** Latency over one path: Ann plays pulses, Ben listens. Ben stays open (returned). */
  async function latency(path: 'datachannel' | 'websocket'): Promise<{ row: Record<string, unknown>; raw: unknown; ben: Person; ann: Person }> {
    const blockUdp = path === 'websocket';
    log(`${path}: starting Ann (pulses) and Ben (listener)…`);
    const [ann, ben] = await Promise.all([person(`Ann-${path}`, pulseFile, { blockUdp }), person(`Ben-${path}`, silenceFile, { blockUdp })]);
    if (blockUdp) {
      await Promise.all(
        [ann, ben].map((p) =>
          p.page.waitForFunction(() => {
            const d = (window as unknown as { lemonVoiceDebug?: Debug }).lemonVoiceDebug?.diagnostics();
            return !!d && d.link.failures >= 1 && d.path === 'websocket';
          }, undefined, SETTLE),
        ),
      );
    }
    await Promise.all([voicePath(ann.page, path), voicePath(ben.page, path)]);
    const settledAt = Date.now();
    const start = await readDiagnostics(ben.page);
    log(`${path}: path settled; measuring ${opts.seconds} pulses (+${DISCARD_PULSES} dropped)…`);
    // Until enough pulses were played after the path settled (bounded).
    const deadline = Date.now() + (opts.seconds + DISCARD_PULSES + 15) * 1000;
    let played: number[] = [];
    while (Date.now() < deadline) {
      await sleep(1000);
      played = (await readOnsets(ben.page)).played.filter((t) => t >= settledAt);
      if (played.length >= opts.seconds + DISCARD_PULSES) break;
    }
    const [annOnsets, benOnsets, annDiag, benDiag] = await Promise.all([readOnsets(ann.page), readOnsets(ben.page), readDiagnostics(ann.page), readDiagnostics(ben.page)]);
    const captured = annOnsets.captured;
    const firstIndex = benOnsets.played.findIndex((t) => t >= settledAt) + DISCARD_PULSES;
    played = benOnsets.played.slice(firstIndex);
    const latencies: number[] = [];
    // Where the time goes: capture → sent (Ann), sent → received and decrypted (relay and
    // network), received → pulled from the jitter buffer, pulled → out of the speaker.
    const stages = { 'capture→send': [] as number[], 'send→receive': [] as number[], 'receive→pull': [] as number[], 'pull→speaker': [] as number[] };
    let unpaired = 0;
    played.forEach((p, i) => {
      let best: number | null = null;
      for (const c of captured) if (c <= p && p - c <= PAIR_WINDOW_MS && (best === null || c > best)) best = c;
      if (best === null) {
        unpaired++;
        return;
      }
      latencies.push(p - best);
      const sent = annOnsets.sent.find((t) => t >= best && t - best < 200);
      const received = benOnsets.received[firstIndex + i]!;
      const pulled = benOnsets.pulled[firstIndex + i]!;
      if (sent === undefined || !Number.isFinite(received)) return;
      stages['capture→send'].push(sent - best);
      stages['send→receive'].push(received - sent);
      stages['receive→pull'].push(pulled - received);
      stages['pull→speaker'].push(p - pulled);
    });
    const breakdown = Object.fromEntries(Object.entries(stages).map(([k, v]) => [`${k} p50`, round(pct(v, 50))]));
    const underruns = (benDiag?.underruns ?? 0) - (start?.underruns ?? 0);
    if (!latencies.length) failures.push(`${path}: no onsets paired (Ann captured ${captured.length}, Ben played ${benOnsets.played.length}, ${played.length} after settling)`);
    if (benDiag?.path !== path) failures.push(`${path}: Ben's path ended as ${benDiag?.path}`);
    if (annDiag?.path !== path) failures.push(`${path}: Ann's path ended as ${annDiag?.path}`);
    const row = {
      path,
      pulses: played.length,
      paired: latencies.length,
      unpaired,
      'p50 ms': round(pct(latencies, 50)),
      'p95 ms': round(pct(latencies, 95)),
      'max ms': latencies.length ? round(Math.max(...latencies)) : NaN,
      'min ms': latencies.length ? round(Math.min(...latencies)) : NaN,
      'Ben outputLatency ms': round(benDiag?.outputLatencyMs ?? NaN),
      'Ben underruns': underruns,
      // Since Ben's audio started (before the path settled): start-up glitches show here.
      'Ben underruns since start': benDiag?.underruns ?? NaN,
      ...breakdown,
      'Ann encoder': annDiag?.encoder,
      'link failures A/B': `${annDiag?.link.failures}/${benDiag?.link.failures}`,
    };
    return { row, raw: { latencies, annDiagnostics: annDiag, benDiagnostics: benDiag, capturedCount: captured.length }, ben, ann };
  }

  /** Ben's main-thread CPU over a window, from the DevTools Protocol. */
  async function cpu(ben: Person, label: string, speakers: number, seconds: number): Promise<Record<string, unknown>> {
    const cdp = await ben.page.context().newCDPSession(ben.page);
    await cdp.send('Performance.enable');
    const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value])) as Record<string, number>;
    const d0 = await readDiagnostics(ben.page);
    const m0 = await metrics();
    await sleep(seconds * 1000);
    const m1 = await metrics();
    const d1 = await readDiagnostics(ben.page);
    await cdp.detach();
    const wall = m1.Timestamp! - m0.Timestamp!;
    const share = (name: string) => (name in m1 && name in m0 ? round((100 * (m1[name]! - m0[name]!)) / wall) : NaN);
    const decoded = (d: Diagnostics | null) => d?.received?.decrypted ?? 0;
    return {
      speakers: label,
      'window s': round(wall),
      'TaskDuration %': share('TaskDuration'),
      'ScriptDuration %': share('ScriptDuration'),
      'ThreadTime %': share('ThreadTime'),
      'ProcessTime %': share('ProcessTime'),
      'underruns': (d1?.underruns ?? 0) - (d0?.underruns ?? 0),
      'frames decrypted/s': round((decoded(d1) - decoded(d0)) / wall),
      'expected frames/s': speakers * 50,
      path: d1?.path,
    };
  }

  /** Waits until Ben's tree shows at least `n` people talking. */
  const talking = (ben: Person, n: number) =>
    ben.page.waitForFunction((want) => document.querySelectorAll('[data-testid="channel-tree"] [role="treeitem"][data-talking="yes"]').length >= want, n, SETTLE);

  let chromium = '';
  try {
    server = await startServerProcess();
    log(`server on port ${server.port}`);
    // WebSocket first (its browsers are closed after), then data channels, whose Ben stays for the CPU part.
    const ws = await latency('websocket');
    chromium = ws.ben.profile.context.browser()?.version() ?? '';
    await leave(ws.ann, ws.ben);
    const dc = await latency('datachannel');
    await leave(dc.ann);
    const ben = dc.ben;
    const latencyRows = [dc.row, ws.row];
    console.log(`Mouth-to-ear latency, Ann's capture worklet → Ben's speaker (incl. reported output latency; excl. the microphone device's own input latency):`);
    console.table(latencyRows);

    log('CPU: Ben idle in the channel…');
    const cpuRows: Record<string, unknown>[] = [];
    cpuRows.push(await cpu(ben, '0 (idle)', 0, Math.min(5, opts.cpuSeconds)));
    log('CPU: 1 speaker…');
    await person('Speaker1', wav('tone-1.wav', toneWav(TONES[0]!)));
    await talking(ben, 1);
    await sleep(1000);
    cpuRows.push(await cpu(ben, '1', 1, opts.cpuSeconds));
    if (opts.speakers > 1) {
      log(`CPU: ${opts.speakers} speakers…`);
      await Promise.all(Array.from({ length: opts.speakers - 1 }, (_, i) => person(`Speaker${i + 2}`, wav(`tone-${i + 2}.wav`, toneWav(TONES[(i + 1) % TONES.length]!)))));
      await talking(ben, opts.speakers);
      await sleep(1000);
      cpuRows.push(await cpu(ben, String(opts.speakers), opts.speakers, opts.cpuSeconds));
    }
    console.log(`Ben's renderer while decoding and mixing (% of one core; TaskDuration/ScriptDuration = main thread, ProcessTime = whole renderer process if this Chromium reports it):`);
    console.table(cpuRows);
    if (!cpuRows.some((r) => Number.isFinite(r['TaskDuration %']))) failures.push('no CPU metrics');
    const totalUnderruns = [ws.row, dc.row, ...cpuRows].reduce((n, r) => n + Number(r['Ben underruns'] ?? r.underruns ?? 0), 0);
    if (totalUnderruns > 0) console.log(`note: Ben had ${totalUnderruns} underruns across the windows`);

    saveResults('voice-browser', {
      chromium,
      options: opts,
      note: "latency = Ann's capture worklet to Ben's speaker incl. browser-reported output latency; excludes the microphone device's input latency",
      latency: latencyRows,
      cpu: cpuRows,
      failures,
      raw: { datachannel: dc.raw, websocket: ws.raw },
    });
    for (const p of people) {
      const unexpected = p.problems.unexpected();
      if (unexpected.length) log(`${p.name}'s console: ${unexpected.slice(0, 5).join(' | ')}`);
    }
    if (failures.length) {
      console.error(`FAILED:\n  ${failures.join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    await Promise.all(people.splice(0).map((p) => p.profile.close().catch(() => undefined)));
    removeProfileDirs();
    await server?.stop();
    removeTempDirs();
    rmSync(audioDir, { recursive: true, force: true });
    log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
