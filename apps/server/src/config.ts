/**
 * Server configuration from command-line flags, environment variables and an optional
 * JSON file. Precedence: flags > env > file > defaults. Every value is validated; a bad
 * value is a ConfigError naming the flag, variable or file key it came from (main exits 2).
 *
 * Relative paths given as flags or env are resolved against the working directory; those
 * inside the config file against the file's own folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { LIMITS, UserId, normalizeName, serverAddressOf } from '@lemon/protocol';
import { LOG_LEVELS, type LogLevel } from './log';

/** Operator-tunable limits; the config file's `limits` object may override any of them. */
export interface ServerLimits {
  /** Open WebSocket connections (logged in or not) beyond which upgrades get HTTP 503. */
  maxConnections: number;
  /**
   * Connections that have not logged in yet, over all clients; upgrades beyond it get
   * HTTP 503. Each may sit until loginTimeoutMs, so this bounds the memory strangers hold.
   */
  maxPendingLogins: number;
  /**
   * Connections not logged in yet from one IPv4 address or IPv6 /64; beyond it HTTP 429.
   * Behind a reverse proxy every client has the proxy's address: raise it there.
   */
  maxPendingLoginsPerAddress: number;
  /** Token bucket per connection: sustained requests per second… */
  rateLimitPerSecond: number;
  /** …and the burst it may spend at once. */
  rateLimitBurst: number;
  /** A connection answered with this many errors in a row (within abuseWindowMs) is closed. */
  abuseErrorLimit: number;
  abuseWindowMs: number;
  /** WebSocket ping interval; a peer that missed the previous pong is terminated. */
  pingIntervalMs: number;
  /** How long a fresh connection may take to log in (also the challenge lifetime). */
  loginTimeoutMs: number;
  /** Channels the tree may hold in total. */
  maxChannels: number;
  /** Upper bound for a graceful shutdown before remaining sockets are cut. */
  shutdownTimeoutMs: number;
  /** Largest encrypted blob (picture) stored, in bytes: the picture limit plus AEAD overhead. */
  maxBlobBytes: number;
  /** Blobs are deleted this long after their upload began (complete or not). */
  blobRetentionMs: number;
  /** Unfinished uploads are deleted after this long. */
  blobUploadTimeoutMs: number;
  /** Undelivered DMs are deleted after this long. */
  dmRetentionMs: number;
  /** How long a member asked to create or commit a channel group has before another is asked. */
  mlsResponseTimeoutMs: number;
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** The config file that was read, if any. */
  configFile: string | null;
  tls: TlsFiles | null;
  serverName: string;
  /** User ids with admin rights (edit/delete any channel, edit the default channel). */
  admins: readonly string[];
  /**
   * The host[:port] names clients dial this server by (what a login must be signed for).
   * Empty: the Host header of each connection is taken as the address.
   */
  publicAddresses: readonly string[];
  /** The built single-file client served at `/`. */
  clientHtml: string;
  logLevel: LogLevel;
  limits: ServerLimits;
  voice: VoiceConfig;
}

/** Where WebRTC voice listens (UDP) and what it tells clients to connect to. */
export interface VoiceConfig {
  /** Inclusive UDP port range for voice connections (open these in the firewall); null: any free port. */
  portRange: readonly [number, number] | null;
  /** IP addresses announced to clients besides the interfaces' own (a public IP behind NAT). */
  announcedAddresses: readonly string[];
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxConnections: 5000,
  maxPendingLogins: 256,
  maxPendingLoginsPerAddress: 16,
  rateLimitPerSecond: 20,
  rateLimitBurst: 40,
  abuseErrorLimit: 50,
  abuseWindowMs: 10_000,
  pingIntervalMs: 30_000,
  loginTimeoutMs: LIMITS.challengeTtlMs,
  maxChannels: 1000,
  shutdownTimeoutMs: 5_000,
  maxBlobBytes: LIMITS.defaultMaxBlobBytes + 1024,
  blobRetentionMs: 30 * 24 * 3_600_000,
  blobUploadTimeoutMs: 24 * 3_600_000,
  dmRetentionMs: 30 * 24 * 3_600_000,
  mlsResponseTimeoutMs: 5_000,
};

export const DEFAULTS = {
  port: 4747,
  host: '0.0.0.0',
  dataDir: 'data',
  serverName: 'Lemon Chat',
  logLevel: 'info' as LogLevel,
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ConfigSources {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Where the built client.html is expected when no flag/env/file names one. */
  defaultClientHtml: string;
}

export type ConfigResult = { kind: 'config'; config: ServerConfig } | { kind: 'help'; text: string };

export const HELP_TEXT = `Lemon Chat server

Usage: node apps/server/dist/main.js [options]

  --port <n>           port for http(s) and the WebSocket (0 = any free port)   [4747]
  --host <addr>        address to bind                                          [0.0.0.0]
  --data-dir <dir>     folder for lemon.sqlite, server-key and config.json     [./data]
  --config <file>      JSON config file                       [<data-dir>/config.json if present]
  --tls-cert <file>    PEM certificate; with --tls-key serves https + wss on the same port
  --tls-key <file>     PEM private key
  --server-name <txt>  name shown to clients                                    [Lemon Chat]
  --admin <userId>     a user id with admin rights (repeatable)
  --public-address <host[:port]>  an address clients use for this server (repeatable);
                       logins signed for any other address are refused  [the Host header]
  --voice-ports <a-b>  UDP port range for voice (WebRTC); open it in the firewall      [any]
  --voice-address <ip> an IP address announced for voice, e.g. the public one behind NAT
                       (repeatable)
  --client-html <file> the built client served at /        [apps/client/dist/client.html]
  --log-level <lvl>    debug | info | warn | error | silent                     [info]
  --help               show this text

Environment: LEMON_PORT LEMON_HOST LEMON_DATA_DIR LEMON_CONFIG LEMON_TLS_CERT LEMON_TLS_KEY
LEMON_SERVER_NAME LEMON_ADMINS (comma-separated) LEMON_PUBLIC_ADDRESSES (comma-separated)
LEMON_VOICE_PORTS LEMON_VOICE_ADDRESSES (comma-separated) LEMON_CLIENT_HTML LEMON_LOG_LEVEL.
Precedence: flags > environment > config file > defaults. The config file may also hold a
"limits" object (maxConnections, maxPendingLogins, maxPendingLoginsPerAddress,
rateLimitPerSecond, rateLimitBurst, abuseErrorLimit, abuseWindowMs, pingIntervalMs,
loginTimeoutMs, maxChannels, shutdownTimeoutMs, maxBlobBytes, blobRetentionMs,
blobUploadTimeoutMs, dmRetentionMs, mlsResponseTimeoutMs).
`;

// ---- field schemas (each accepts what a flag/env string or a JSON value can carry) ----

const intFrom = (min: number, max: number) =>
  z.unknown().transform((raw, ctx) => {
    const text = typeof raw === 'string' ? raw.trim() : null;
    const n = typeof raw === 'number' ? raw : text !== null && /^\d{1,10}$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(n)) {
      ctx.addIssue({ code: 'custom', message: 'must be a whole number' });
      return z.NEVER;
    }
    if (n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}` });
      return z.NEVER;
    }
    return n;
  });

const PortField = intFrom(0, 65535);
const HostField = z.string().trim().min(1, 'must not be empty').max(255);
const PathField = z.string().min(1, 'must not be empty').max(4096);
const ServerNameField = z.string().transform((raw, ctx) => {
  const check = normalizeName(raw, LIMITS.channelNameMaxChars);
  if (!check.ok) {
    ctx.addIssue({ code: 'custom', message: `is not a valid name (${check.problem})` });
    return z.NEVER;
  }
  return check.name;
});
const AdminsField = z.array(UserId, 'must be a list of user ids').max(1000);
/** Spelled the way clients sign them (lower-case, as a URL's host). */
const PublicAddressesField = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(LIMITS.addressMaxChars)
      .transform((raw, ctx) => {
        try {
          if (/[\s/@?#\\]/.test(raw)) throw new Error('not a bare host[:port]');
          return serverAddressOf(`ws://${raw}/`);
        } catch {
          ctx.addIssue({ code: 'custom', message: `"${raw}" is not a host[:port]` });
          return z.NEVER;
        }
      }),
    'must be a list of host[:port] addresses',
  )
  .max(100);
const LogLevelField = z.enum(LOG_LEVELS);

const LimitsField = z.strictObject({
  maxConnections: intFrom(1, 1_000_000).optional(),
  maxPendingLogins: intFrom(1, 1_000_000).optional(),
  maxPendingLoginsPerAddress: intFrom(1, 1_000_000).optional(),
  rateLimitPerSecond: intFrom(1, 100_000).optional(),
  rateLimitBurst: intFrom(1, 100_000).optional(),
  abuseErrorLimit: intFrom(1, 1_000_000).optional(),
  abuseWindowMs: intFrom(1, 3_600_000).optional(),
  pingIntervalMs: intFrom(100, 3_600_000).optional(),
  loginTimeoutMs: intFrom(100, 600_000).optional(),
  maxChannels: intFrom(1, 1_000_000).optional(),
  shutdownTimeoutMs: intFrom(100, 600_000).optional(),
  maxBlobBytes: intFrom(1024, 1024 * 1024 * 1024).optional(),
  blobRetentionMs: intFrom(60_000, 10 * 365 * 24 * 3_600_000).optional(),
  blobUploadTimeoutMs: intFrom(60_000, 30 * 24 * 3_600_000).optional(),
  dmRetentionMs: intFrom(60_000, 10 * 365 * 24 * 3_600_000).optional(),
  mlsResponseTimeoutMs: intFrom(100, 600_000).optional(),
});

const VoicePortsField = z.string().transform((raw, ctx) => {
  const match = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(raw);
  const [min, max] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(min >= 1024 && max <= 65535 && min <= max)) {
    ctx.addIssue({ code: 'custom', message: 'must be a range like 40000-40100 within 1024-65535' });
    return z.NEVER;
  }
  return [min, max] as [number, number];
});
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const VoiceAddressesField = z.array(z.string().trim().regex(IPV4, 'must be an IPv4 address')).max(8);

const FileSchema = z.strictObject({
  port: PortField.optional(),
  host: HostField.optional(),
  dataDir: PathField.optional(),
  tlsCert: PathField.optional(),
  tlsKey: PathField.optional(),
  serverName: ServerNameField.optional(),
  admins: AdminsField.optional(),
  publicAddresses: PublicAddressesField.optional(),
  clientHtml: PathField.optional(),
  logLevel: LogLevelField.optional(),
  limits: LimitsField.optional(),
  voicePorts: VoicePortsField.optional(),
  voiceAddresses: VoiceAddressesField.optional(),
});

/** One source's values, validated, paths already absolute. */
interface Layer {
  port?: number;
  host?: string;
  dataDir?: string;
  tlsCert?: string;
  tlsKey?: string;
  serverName?: string;
  admins?: string[];
  publicAddresses?: string[];
  clientHtml?: string;
  logLevel?: LogLevel;
  limits?: Partial<ServerLimits>;
  voicePorts?: [number, number];
  voiceAddresses?: string[];
}

type LayerKey = Exclude<keyof Layer, 'limits'>;
/** Keys that take several values: repeated flags, comma-separated env values. */
const LIST_KEYS: readonly LayerKey[] = ['admins', 'publicAddresses', 'voiceAddresses'];
const PATH_KEYS: readonly LayerKey[] = ['dataDir', 'tlsCert', 'tlsKey', 'clientHtml'];

/** Flag and env names per field, used both for reading and for error messages. */
const SOURCES: Record<LayerKey, { flag: string; env: string; schema: z.ZodType }> = {
  port: { flag: 'port', env: 'LEMON_PORT', schema: PortField },
  host: { flag: 'host', env: 'LEMON_HOST', schema: HostField },
  dataDir: { flag: 'data-dir', env: 'LEMON_DATA_DIR', schema: PathField },
  tlsCert: { flag: 'tls-cert', env: 'LEMON_TLS_CERT', schema: PathField },
  tlsKey: { flag: 'tls-key', env: 'LEMON_TLS_KEY', schema: PathField },
  serverName: { flag: 'server-name', env: 'LEMON_SERVER_NAME', schema: ServerNameField },
  admins: { flag: 'admin', env: 'LEMON_ADMINS', schema: AdminsField },
  publicAddresses: { flag: 'public-address', env: 'LEMON_PUBLIC_ADDRESSES', schema: PublicAddressesField },
  clientHtml: { flag: 'client-html', env: 'LEMON_CLIENT_HTML', schema: PathField },
  voicePorts: { flag: 'voice-ports', env: 'LEMON_VOICE_PORTS', schema: VoicePortsField },
  voiceAddresses: { flag: 'voice-address', env: 'LEMON_VOICE_ADDRESSES', schema: VoiceAddressesField },
  logLevel: { flag: 'log-level', env: 'LEMON_LOG_LEVEL', schema: LogLevelField },
};

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'is invalid';
  const at = issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
  return `${issue.message}${at}`;
}

function validate(label: string, schema: z.ZodType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`${label}: ${describe(parsed.error)}`);
  return parsed.data;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function absolutize(layer: Layer, base: string): Layer {
  for (const key of PATH_KEYS) {
    const value = layer[key];
    if (typeof value === 'string' && !isAbsolute(value)) (layer as Record<string, unknown>)[key] = resolve(base, value);
  }
  return layer;
}

function readFlags(argv: readonly string[]): { layer: Layer; config?: string; help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'server-name': { type: 'string' },
        admin: { type: 'string', multiple: true },
        'public-address': { type: 'string', multiple: true },
        'client-html': { type: 'string' },
        'voice-ports': { type: 'string' },
        'voice-address': { type: 'string', multiple: true },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // (Not `instanceof Error`: node:util's errors come from another realm under jest.)
    const message = (error as { message?: unknown } | null)?.message;
    throw new ConfigError(typeof message === 'string' ? message : 'bad command line');
  }
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const layer: Layer = {};
  for (const [key, source] of Object.entries(SOURCES) as [LayerKey, (typeof SOURCES)[LayerKey]][]) {
    const raw = values[source.flag];
    if (raw === undefined) continue;
    const value = LIST_KEYS.includes(key) ? (raw as string[]).flatMap(splitList) : raw;
    (layer as Record<string, unknown>)[key] = validate(`--${source.flag}`, source.schema, value);
  }
  const config = values.config;
  if (config !== undefined && (typeof config !== 'string' || config.length === 0)) {
    throw new ConfigError('--config: must name a file');
  }
  return { layer, config: config as string | undefined, help: values.help === true };
}

function readEnv(env: ConfigSources['env']): { layer: Layer; config?: string } {
  const layer: Layer = {};
  for (const [key, source] of Object.entries(SOURCES) as [LayerKey, (typeof SOURCES)[LayerKey]][]) {
    const raw = env[source.env];
    if (raw === undefined || raw === '') continue;
    const value = LIST_KEYS.includes(key) ? splitList(raw) : raw;
    (layer as Record<string, unknown>)[key] = validate(source.env, source.schema, value);
  }
  const config = env.LEMON_CONFIG;
  return { layer, config: config === undefined || config === '' ? undefined : config };
}

function readFile(path: string): Layer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`config file ${path}: cannot be read (${code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`config file ${path}: is not valid JSON`);
  }
  const parsed = FileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`config file ${path}: ${describe(parsed.error)}`);
  const { limits, ...rest } = parsed.data;
  const layer: Layer = { ...rest };
  if (limits) layer.limits = limits;
  return absolutize(layer, dirname(path));
}

/** Later layers win. */
function merge(...layers: Layer[]): Layer {
  const out: Layer = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (key === 'limits') out.limits = { ...out.limits, ...(value as Partial<ServerLimits>) };
      else (out as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

export function parseConfig(sources: ConfigSources): ConfigResult {
  const flags = readFlags(sources.argv);
  if (flags.help) return { kind: 'help', text: HELP_TEXT };
  const env = readEnv(sources.env);
  absolutize(flags.layer, sources.cwd);
  absolutize(env.layer, sources.cwd);

  // The config file: named explicitly (must exist), or <data-dir>/config.json if present.
  const explicit = flags.config ?? env.config;
  let configFile: string | null = null;
  let foundIn: string | null = null;
  if (explicit !== undefined) {
    configFile = resolve(sources.cwd, explicit);
    if (!existsSync(configFile)) throw new ConfigError(`config file ${configFile}: does not exist`);
  } else {
    const dataDir = flags.layer.dataDir ?? env.layer.dataDir ?? resolve(sources.cwd, DEFAULTS.dataDir);
    const candidate = resolve(dataDir, 'config.json');
    if (existsSync(candidate)) {
      configFile = candidate;
      foundIn = dataDir;
    }
  }
  const file = configFile ? readFile(configFile) : {};
  // A file found inside the data folder cannot move the data folder: the server would use
  // one folder while its settings came from another (and the lock would guard the wrong one).
  if (foundIn !== null && file.dataDir !== undefined && resolve(file.dataDir) !== resolve(foundIn)) {
    throw new ConfigError(
      `config file ${configFile}: dataDir cannot be set by the config file inside the data folder; ` +
        'choose the folder with --data-dir or LEMON_DATA_DIR (or name a config file elsewhere with --config)',
    );
  }
  const merged = merge(file, env.layer, flags.layer);

  const certFile = merged.tlsCert;
  const keyFile = merged.tlsKey;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError('TLS needs both a certificate (--tls-cert) and a key (--tls-key), or neither');
  }
  for (const file of [certFile, keyFile]) {
    if (file !== undefined && !existsSync(file)) throw new ConfigError(`TLS file ${file}: does not exist`);
  }

  const config: ServerConfig = {
    port: merged.port ?? DEFAULTS.port,
    host: merged.host ?? DEFAULTS.host,
    dataDir: merged.dataDir ?? resolve(sources.cwd, DEFAULTS.dataDir),
    configFile,
    tls: certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : null,
    serverName: merged.serverName ?? DEFAULTS.serverName,
    admins: [...new Set(merged.admins ?? [])],
    publicAddresses: [...new Set(merged.publicAddresses ?? [])],
    clientHtml: merged.clientHtml ?? resolve(sources.cwd, sources.defaultClientHtml),
    logLevel: merged.logLevel ?? DEFAULTS.logLevel,
    limits: { ...DEFAULT_LIMITS, ...merged.limits },
    voice: { portRange: merged.voicePorts ?? null, announcedAddresses: [...new Set(merged.voiceAddresses ?? [])] },
  };
  return { kind: 'config', config };
}
