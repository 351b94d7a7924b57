import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/** Repository root (the folder holding nx.json), wherever this file was bundled to. */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}
export const SERVER_MAIN = join(REPO_ROOT, 'apps/server/dist/main.js');

export interface ServerProcess {
  port: number;
  /** http://127.0.0.1:PORT */
  httpUrl: string;
  /** ws://127.0.0.1:PORT/ws */
  wsUrl: string;
  dataDir: string;
  /** Every line the process wrote to stdout and stderr so far. */
  readonly logLines: string[];
  readonly child: ChildProcess;
  /** Sends a signal and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves on the first log line for which `match` is true (bounded). */
  waitForLog(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
}

export interface StartOptions {
  /** Reuse a data folder (e.g. to test a restart); by default a fresh temp folder. */
  dataDir?: string;
  /** A fixed port (e.g. to restart a server where clients expect it); by default the OS picks one. */
  port?: number;
  args?: string[];
  /** Flags for node itself, before the script (e.g. --heapsnapshot-signal). */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Temp data folders made here, removed by removeTempDirs() in afterAll. */
const madeDirs: string[] = [];

export function makeTempDir(prefix = 'lemon-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts the real built server (apps/server/dist/main.js) on 127.0.0.1 with an
 * OS-chosen port and waits for its "listening" log line; no sleeps, bounded wait.
 */
export async function startServerProcess(options: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? makeTempDir();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER_MAIN, '--port', String(options.port ?? 0), '--host', '127.0.0.1', '--data-dir', dataDir, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const onLine = (line: string) => {
    logLines.push(line);
    for (const w of [...watchers]) w(line);
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const waitForLog = (match: (line: string) => boolean, timeoutMs = 20_000) =>
    new Promise<string>((resolveLine, reject) => {
      const found = logLines.find(match);
      if (found !== undefined) return resolveLine(found);
      const timer = setTimeout(() => {
        watchers.delete(watch);
        reject(new Error(`no matching server log line within ${timeoutMs} ms; log:\n${logLines.join('\n')}`));
      }, timeoutMs);
      const watch = (line: string) => {
        if (!match(line)) return;
        clearTimeout(timer);
        watchers.delete(watch);
        resolveLine(line);
      };
      watchers.add(watch);
      void exited.then((code) => {
        if (!watchers.has(watch)) return;
        clearTimeout(timer);
        watchers.delete(watch);
        reject(new Error(`server exited with ${code} before the awaited log line; log:\n${logLines.join('\n')}`));
      });
    });

  const listening = await waitForLog((line) => parseLogLine(line)?.msg === 'listening', options.timeoutMs ?? 20_000);
  const port = Number(parseLogLine(listening)?.port);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`bad listening line: ${listening}`);

  return {
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    dataDir,
    logLines,
    child,
    waitForLog,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

export function parseLogLine(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Runs the built server with these arguments until it exits by itself (bounded). */
export function runServerToExit(
  args: string[],
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER_MAIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.js did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
