/**
 * The data folder, against the real server process: one folder is used by one server at a
 * time (lemon.lock), a stale lock left by a killed server is taken over, and nothing in the
 * folder is readable by other users of the machine.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectClient, initCrypto, makeTempDir, removeTempDirs, startServerProcess } from './integration/helpers';
import { runServerToExit } from '@lemon/testing';

const LOCK = 'lemon.lock';

beforeAll(initCrypto);
afterAll(removeTempDirs);

const runToExit = (args: string[]) => runServerToExit(args);

/** The pid on the lock file's first line. */
function lockPid(dataDir: string): string {
  return readFileSync(join(dataDir, LOCK), 'utf8').split('\n')[0]!;
}

/** A pid that belonged to a process which has exited (as a killed server's would). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (typeof child.pid !== 'number' || child.pid <= 0) throw new Error('no pid');
  return child.pid;
}

describe('one data folder, one server', () => {
  it('a second server on the same folder exits 1 naming the first, which keeps serving; a graceful stop frees it', async () => {
    const dataDir = makeTempDir();
    const first = await startServerProcess({ dataDir });
    try {
      const pid = first.child.pid;
      expect(lockPid(dataDir)).toBe(String(pid));

      const second = await runToExit(['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`another server is using ${dataDir} (pid ${pid})`);

      // The first one did not notice: its lock and its clients are fine.
      expect(lockPid(dataDir)).toBe(String(pid));
      const client = await connectClient(first.wsUrl, 'Still Here');
      await expect(client.session.request('ping', {})).resolves.toEqual({ serverTime: expect.any(Number) });
      client.session.close();
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }
    expect(existsSync(join(dataDir, LOCK))).toBe(false);
    const again = await startServerProcess({ dataDir });
    await again.stop();
  });

  it('takes over a stale lock whose process is gone', async () => {
    const dataDir = makeTempDir();
    const stale = deadPid();
    writeFileSync(join(dataDir, LOCK), `${stale}\n`);
    const server = await startServerProcess({ dataDir });
    try {
      expect(lockPid(dataDir)).toBe(String(server.child.pid));
      expect(server.logLines.some((l) => l.includes('stale lock') && l.includes(String(stale)))).toBe(true);
      const client = await connectClient(server.wsUrl, 'Heir');
      client.session.close();
    } finally {
      await server.stop();
    }
    // Nothing but the lock's absence is left of it (no temp or moved-aside files).
    expect(readdirSync(dataDir).filter((f) => f.startsWith(LOCK))).toEqual([]);
  });

  const bootIdFile = '/proc/sys/kernel/random/boot_id';
  (existsSync(bootIdFile) ? it : it.skip)('takes over a lock from an earlier boot even if its pid is running now', async () => {
    const dataDir = makeTempDir();
    // This test process is alive; the lock says it was written during another boot.
    const otherBoot = readFileSync(bootIdFile, 'utf8').trim().replace(/^./, (c) => (c === '0' ? '1' : '0'));
    writeFileSync(join(dataDir, LOCK), `${process.pid}\n${otherBoot}\n`);
    const server = await startServerProcess({ dataDir });
    try {
      expect(lockPid(dataDir)).toBe(String(server.child.pid));
    } finally {
      await server.stop();
    }
    // …while the same live pid from this boot is respected.
    writeFileSync(join(dataDir, LOCK), `${process.pid}\n${readFileSync(bootIdFile, 'utf8').trim()}\n`);
    const refused = await runToExit(['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`another server is using ${dataDir} (pid ${process.pid})`);
  });
});

describe('data folder permissions', () => {
  it('creates the folder 0700 and every file in it for the server user only (database, -wal, -shm, key, lock)', async () => {
    // A permissive umask in the parent must not leak into what the server creates.
    const previous = process.umask(0o022);
    const dataDir = join(makeTempDir(), 'fresh', 'data');
    let server: Awaited<ReturnType<typeof startServerProcess>>;
    try {
      server = await startServerProcess({ dataDir });
    } finally {
      process.umask(previous);
    }
    try {
      // A login writes to the database, so the -wal file exists too.
      const client = await connectClient(server.wsUrl, 'Writer');
      await client.session.request('channel.create', { parentId: null, name: 'Somewhere' });
      client.session.close();
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      const files = readdirSync(dataDir).sort();
      expect(files).toEqual(expect.arrayContaining(['lemon.lock', 'lemon.sqlite', 'lemon.sqlite-shm', 'lemon.sqlite-wal', 'server-key']));
      for (const file of files) {
        expect([file, (statSync(join(dataDir, file)).mode & 0o077).toString(8)]).toEqual([file, '0']);
      }
      expect(server.logLines.some((l) => l.includes('accessible to other users'))).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it('warns when an existing data folder is open to group or others', async () => {
    const dataDir = join(makeTempDir(), 'shared');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const server = await startServerProcess({ dataDir });
    try {
      const warning = server.logLines.find((l) => l.includes('accessible to other users'));
      expect(warning).toBeDefined();
      expect(JSON.parse(warning!)).toMatchObject({ level: 'warn', dataDir, mode: '755' });
      expect(statSync(join(dataDir, 'lemon.sqlite')).mode & 0o077).toBe(0);
    } finally {
      await server.stop();
    }
  });
});
