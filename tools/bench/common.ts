/**
 * What every benchmark does the same way: run as coordinator or worker thread from one bundled
 * file, answer the coordinator's commands in a worker, and save the results with the machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, type MessagePort } from 'node:worker_threads';
import { build } from 'esbuild';
import { REPO_ROOT } from '@lemon/testing';

/** A worker's answer to command `id`. */
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Runs `main` on the main thread and `worker` in worker threads (the same bundle is both). */
export function runBench(main: () => Promise<void>, worker: () => Promise<void>): void {
  if (isMainThread) {
    main().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  } else {
    void worker();
  }
}

/** Worker side: answers each `{ id, cmd }` with the handler's result or its error. */
export function serveCommands<C>(handle: (cmd: C) => Promise<unknown>, port: MessagePort = parentPort!): void {
  port.on('message', ({ id, cmd }: { id: number; cmd: C }) => {
    handle(cmd).then(
      (result) => port.postMessage({ id, ok: true, result } satisfies Reply),
      (error: unknown) => port.postMessage({ id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply),
    );
  });
}

/** Writes tools/bench/results/<name>-<time>.json with the machine it ran on; returns the path. */
export function saveResults(name: string, data: Record<string, unknown>): string {
  const dir = join(REPO_ROOT, 'tools/bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version };
  writeFileSync(file, JSON.stringify({ benchmark: name, date: new Date().toISOString(), machine, ...data }, null, 2));
  console.log(`wrote ${file}`);
  return file;
}

/**
 * Coordinator side: one worker thread running this same bundle, and the commands waiting for
 * its answers. Messages that are not answers go to `onOther` (e.g. a worker's own reports).
 */
export class WorkerThread<C> {
  readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  constructor(
    readonly name: string,
    workerData: unknown,
    onOther?: (msg: unknown) => void,
  ) {
    this.worker = new Worker(__filename, { workerData });
    this.worker.on('message', (msg: Reply | Record<string, unknown>) => {
      if (!('id' in msg) || typeof msg.id !== 'number' || !('ok' in msg)) {
        onOther?.(msg);
        return;
      }
      const reply = msg as Reply;
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.result);
      else waiting?.reject(new Error(`${name} worker: ${reply.error}`));
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', (error) => fail(new Error(`${name} worker crashed: ${error.stack ?? error.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`${name} worker exited (${code})`)));
  }

  call<T>(cmd: C): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, cmd });
    });
  }
}

/**
 * A workspace module (path from the repo root) and what it imports, as one browser script that
 * sets `window[globalName]`. `node:*` stays external: libraries import it only on their Node
 * path (a dynamic import never reached in a page).
 */
export async function bundleForBrowser(entry: string, globalName: string): Promise<string> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, entry)],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    globalName,
    target: 'es2022',
    external: ['node:*'],
    tsconfig: join(REPO_ROOT, 'tsconfig.base.json'),
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}
