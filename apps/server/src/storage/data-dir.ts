/**
 * The data folder: created private (0700), checked for group/world access, and locked so
 * that one folder is used by one server process at a time.
 *
 * The lock is `<data-dir>/lemon.lock` holding the owner's pid (first line) and, on Linux,
 * the boot id (second line), so a lock left by a server that died with the machine is not
 * mistaken for a live one when its pid is reused after the reboot. It is published atomically
 * (written to a private temp file, then hard-linked into place, which fails if the name
 * exists — the same guarantee as O_EXCL, without a moment where the file exists empty). A
 * lock whose pid is not a running process is stale (the server was killed) and is taken
 * over: moved aside with an atomic rename and checked, so two servers starting at once
 * cannot both take it. A graceful stop removes it.
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '../log';

export const LOCK_FILE = 'lemon.lock';

const log = logger('storage');

export class DataDirLockError extends Error {
  override name = 'DataDirLockError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`another server is using ${dataDir} (pid ${pid})`);
  }
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

/** Lock files this process holds (a second lock on the same folder in one process is refused too). */
const held = new Set<string>();

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/** Creates the folder (0700) if missing; warns when an existing one is open to group or others. */
export function prepareDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    log.warn('the data folder is accessible to other users of this machine; chmod 700 it', {
      dataDir,
      mode: mode.toString(8),
    });
  }
}

/** Whether a process with this pid exists (EPERM: it does, it is just not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errno(error) === 'EPERM';
  }
}

function readIfPresent(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (errno(error) === 'ENOENT') return null;
    throw error;
  }
}

/** This boot of the machine (Linux); null where the system does not tell. */
function currentBootId(): string | null {
  try {
    const id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return id.length > 0 ? id : null;
  } catch {
    return null;
  }
}

/** The pid a lock names, if it may still be running (null: garbage or an earlier boot). */
function livePidIn(text: string, bootId: string | null): number | null {
  const [first = '', second = ''] = text.split('\n');
  const pid = /^\d{1,10}$/.test(first.trim()) ? Number(first.trim()) : NaN;
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  const recordedBoot = second.trim();
  if (recordedBoot !== '' && bootId !== null && recordedBoot !== bootId) return null;
  return pid;
}

/** Publishes `body` at `path` only if nothing is there; false if something is. */
function createExclusive(path: string, body: string): boolean {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, body);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if (errno(error) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errno(error) ?? '')) throw error;
    // A filesystem without hard links: O_EXCL directly (the file is briefly empty).
    let direct: number;
    try {
      direct = openSync(path, 'wx', 0o600);
    } catch (inner) {
      if (errno(inner) === 'EEXIST') return false;
      throw inner;
    }
    try {
      writeSync(direct, body);
      fsyncSync(direct);
    } finally {
      closeSync(direct);
    }
    return true;
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
}

/**
 * Takes the data folder's lock or throws DataDirLockError naming the pid that holds it.
 * The folder must exist (prepareDataDir).
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const bootId = currentBootId();
  const body = `${process.pid}\n${bootId ?? ''}\n`;
  if (held.has(path)) throw new DataDirLockError(dataDir, process.pid);
  for (let attempt = 0; attempt < 10; attempt++) {
    if (createExclusive(path, body)) {
      held.add(path);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          held.delete(path);
          try {
            if (readIfPresent(path) === body) unlinkSync(path);
          } catch (error) {
            log.warn('could not remove the lock file', { path, code: errno(error) });
          }
        },
      };
    }
    const text = readIfPresent(path);
    if (text === null) continue; // released meanwhile: try again
    const pid = livePidIn(text, bootId);
    // Our own pid in a lock we do not hold is a leftover from an earlier life (containers
    // start every server as pid 1).
    if (pid !== null && pid !== process.pid && processAlive(pid)) throw new DataDirLockError(dataDir, pid);
    // Stale: move it aside atomically, and make sure what we moved is what we judged.
    const aside = `${path}.stale.${process.pid}`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if (errno(error) === 'ENOENT') continue; // somebody else took it over first
      throw error;
    }
    const moved = readIfPresent(aside);
    if (moved !== text) {
      // A live server's fresh lock replaced the stale one in between: put it back.
      try {
        linkSync(aside, path);
      } catch {
        // Another lock is in place already; that one wins.
      }
    } else {
      log.warn('took over a stale lock; the previous server did not stop cleanly', {
        path,
        stalePid: text.split('\n')[0]?.slice(0, 20),
      });
    }
    try {
      unlinkSync(aside);
    } catch {
      // already gone
    }
  }
  throw new Error(`could not take the lock ${path}: it keeps changing`);
}
