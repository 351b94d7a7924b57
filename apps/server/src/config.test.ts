import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIMITS } from '@lemon/protocol';
import { ConfigError, DEFAULT_LIMITS, parseConfig, type ServerConfig } from './config';

const ALICE = 'a'.repeat(32);
const BOB = '0123456789abcdef0123456789abcdef';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lemon-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function parse(argv: string[] = [], env: Record<string, string> = {}): ServerConfig {
  const result = parseConfig({ argv, env, cwd: dir, defaultClientHtml: 'apps/client/dist/client.html' });
  if (result.kind !== 'config') throw new Error('expected a config');
  return result.config;
}

function failure(argv: string[] = [], env: Record<string, string> = {}): string {
  try {
    parse(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

function writeJson(path: string, value: unknown): string {
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe('defaults', () => {
  it('listens on 0.0.0.0:4747 with ./data and the documented limits', () => {
    const config = parse();
    expect(config).toEqual({
      port: 4747,
      host: '0.0.0.0',
      dataDir: join(dir, 'data'),
      configFile: null,
      tls: null,
      serverName: 'Lemon Chat',
      admins: [],
      publicAddresses: [],
      clientHtml: join(dir, 'apps/client/dist/client.html'),
      logLevel: 'info',
      limits: DEFAULT_LIMITS,
      voice: { portRange: null, announcedAddresses: [] },
    });
    expect(config.limits.loginTimeoutMs).toBe(LIMITS.challengeTtlMs);
  });

  it('reads the voice UDP port range and announced addresses, and refuses bad ones', () => {
    expect(parse(['--voice-ports', '40000-40100', '--voice-address', '203.0.113.7']).voice).toEqual({ portRange: [40000, 40100], announcedAddresses: ['203.0.113.7'] });
    expect(parse([], { LEMON_VOICE_PORTS: '50000 - 50010', LEMON_VOICE_ADDRESSES: '198.51.100.1,198.51.100.2' }).voice).toEqual({
      portRange: [50000, 50010],
      announcedAddresses: ['198.51.100.1', '198.51.100.2'],
    });
    for (const bad of ['40100-40000', '80-90', '40000', 'a-b', '40000-70000']) expect(() => parse(['--voice-ports', bad])).toThrow(/voice-ports/);
    expect(() => parse(['--voice-address', 'chat.example.org'])).toThrow(/voice-address/);
  });

  it('prints help for --help instead of a config', () => {
    const result = parseConfig({ argv: ['--help'], env: {}, cwd: dir, defaultClientHtml: 'x' });
    expect(result.kind).toBe('help');
    if (result.kind === 'help') expect(result.text).toContain('--tls-cert');
  });
});

describe('precedence: flags > env > file > defaults', () => {
  it('takes each value from the strongest source that has it', () => {
    const file = writeJson(join(dir, 'lemon.json'), { port: 1000, host: '10.0.0.1', serverName: 'From file', logLevel: 'warn' });
    const config = parse(['--config', file, '--port', '3000'], { LEMON_PORT: '2000', LEMON_HOST: '10.0.0.2' });
    expect(config.port).toBe(3000);
    expect(config.host).toBe('10.0.0.2');
    expect(config.serverName).toBe('From file');
    expect(config.logLevel).toBe('warn');
    expect(config.configFile).toBe(file);
  });

  it('reads <data-dir>/config.json when present and resolves its paths against its folder', () => {
    const data = join(dir, 'store');
    mkdirSync(data);
    writeJson(join(data, 'config.json'), { clientHtml: 'web/client.html', limits: { maxConnections: 7 } });
    const config = parse([], { LEMON_DATA_DIR: 'store' });
    expect(config.dataDir).toBe(data);
    expect(config.configFile).toBe(join(data, 'config.json'));
    expect(config.clientHtml).toBe(join(data, 'web/client.html'));
    expect(config.limits).toEqual({ ...DEFAULT_LIMITS, maxConnections: 7 });
  });

  it('refuses a dataDir in the config file found inside the data folder, naming the file', () => {
    const data = join(dir, 'store');
    mkdirSync(data);
    const file = writeJson(join(data, 'config.json'), { dataDir: '../elsewhere' });
    expect(() => parse([], { LEMON_DATA_DIR: 'store' })).toThrow(ConfigError);
    expect(failure(['--data-dir', data])).toBe(
      `config file ${file}: dataDir cannot be set by the config file inside the data folder; ` +
        'choose the folder with --data-dir or LEMON_DATA_DIR (or name a config file elsewhere with --config)',
    );
    // Naming the folder it is in changes nothing and is allowed; so is dataDir in a file named with --config.
    writeJson(file, { dataDir: '.' });
    expect(parse(['--data-dir', data]).dataDir).toBe(data);
    const named = writeJson(join(dir, 'named.json'), { dataDir: 'elsewhere' });
    expect(parse(['--config', named]).dataDir).toBe(join(dir, 'elsewhere'));
  });

  it('accepts --port 0 (any free port)', () => {
    expect(parse(['--port', '0']).port).toBe(0);
  });
});

describe('admins', () => {
  it('collects repeated --admin flags', () => {
    expect(parse(['--admin', ALICE, '--admin', BOB]).admins).toEqual([ALICE, BOB]);
  });

  it('splits LEMON_ADMINS on commas and drops duplicates', () => {
    expect(parse([], { LEMON_ADMINS: ` ${ALICE}, ${BOB},${ALICE}` }).admins).toEqual([ALICE, BOB]);
  });

  it('rejects something that is not a user id', () => {
    expect(failure(['--admin', 'root'])).toMatch(/^--admin/);
    expect(failure([], { LEMON_ADMINS: 'ABCDEF' })).toMatch(/^LEMON_ADMINS/);
  });
});

describe('bad config is a ConfigError naming its source', () => {
  it.each([
    [['--port', '70000'], {}, /^--port/],
    [['--port', 'http'], {}, /^--port/],
    [[], { LEMON_PORT: '-1' }, /^LEMON_PORT/],
    [['--log-level', 'loud'], {}, /^--log-level/],
    [['--server-name', '   '], {}, /^--server-name/],
    [['--frobnicate'], {}, /frobnicate/],
    [['stray'], {}, /stray/],
  ] as const)('%j %j', (argv, env, pattern) => {
    expect(failure([...argv], env)).toMatch(pattern);
  });

  it('insists that an explicitly named config file exists', () => {
    expect(failure(['--config', 'nope.json'])).toMatch(/does not exist/);
  });

  it('rejects a config file that is not JSON or has unknown keys', () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ port: 1 ');
    expect(failure(['--config', broken])).toMatch(/not valid JSON/);
    const typo = writeJson(join(dir, 'typo.json'), { prot: 1 });
    expect(failure(['--config', typo])).toMatch(/prot/);
    const badLimit = writeJson(join(dir, 'limit.json'), { limits: { pingIntervalMs: 5 } });
    expect(failure(['--config', badLimit])).toMatch(/limits\.pingIntervalMs/);
  });

  it('needs both TLS files, and they must exist', () => {
    const cert = join(dir, 'cert.pem');
    writeFileSync(cert, 'x');
    expect(failure(['--tls-cert', cert])).toMatch(/both/);
    expect(failure(['--tls-cert', cert, '--tls-key', join(dir, 'missing.pem')])).toMatch(/missing\.pem.*does not exist/);
    writeFileSync(join(dir, 'key.pem'), 'y');
    expect(parse(['--tls-cert', 'cert.pem'], { LEMON_TLS_KEY: 'key.pem' }).tls).toEqual({
      certFile: cert,
      keyFile: join(dir, 'key.pem'),
    });
  });
});

describe('public addresses', () => {
  it('are collected from repeated flags and the env list, spelled the way clients sign them', () => {
    expect(parse(['--public-address', 'Chat.Example.org:4747', '--public-address', 'chat.example.org:80']).publicAddresses).toEqual([
      'chat.example.org:4747',
      'chat.example.org',
    ]);
    expect(parse([], { LEMON_PUBLIC_ADDRESSES: 'a.example:1,[::1]:4747' }).publicAddresses).toEqual(['a.example:1', '[::1]:4747']);
  });

  it('refuse something that is not a host[:port]', () => {
    expect(() => parse(['--public-address', 'http://x/y'])).toThrow(/public-address/);
  });
});
