/**
 * Structured logs: one JSON object per line, `debug`/`info` to stdout and `warn`/`error`
 * to stderr. Loggers are named by concept (`logger('auth')`), not by file.
 *
 * What may be logged: event names, user ids, channel ids, counts, durations, error codes,
 * remote addresses (the operator can see those anyway). What must NEVER be logged: message
 * content, display names or channel names chosen by users, keys, signatures, challenges.
 * The field type below only admits scalars so that whole frames or objects cannot slip in.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;

export interface Logger {
  /** Printed at every level except `silent` (the startup line people and tests look for). */
  notice(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface LogSink {
  out(line: string): void;
  err(line: string): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

const processSink: LogSink = {
  out: (line) => void process.stdout.write(line),
  err: (line) => void process.stderr.write(line),
};

let threshold: LogLevel = 'info';
let sink: LogSink = processSink;

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** Redirects all loggers (tests capture lines this way); returns the previous sink. */
export function setLogSink(next: LogSink | null): LogSink {
  const previous = sink;
  sink = next ?? processSink;
  return previous;
}

function write(level: Exclude<LogLevel, 'silent'> | 'notice', name: string, msg: string, fields?: LogFields): void {
  if (level === 'notice' ? threshold === 'silent' : RANK[level] < RANK[threshold]) return;
  const record: Record<string, LogValue> = { time: new Date().toISOString(), level, logger: name, msg };
  if (fields) {
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined && !(key in record)) record[key] = value;
    }
  }
  const line = JSON.stringify(record) + '\n';
  try {
    if (level === 'warn' || level === 'error') sink.err(line);
    else sink.out(line);
  } catch {
    // A closed stdout/stderr must never take the server down.
  }
}

export function logger(name: string): Logger {
  return {
    notice: (msg, fields) => write('notice', name, msg, fields),
    debug: (msg, fields) => write('debug', name, msg, fields),
    info: (msg, fields) => write('info', name, msg, fields),
    warn: (msg, fields) => write('warn', name, msg, fields),
    error: (msg, fields) => write('error', name, msg, fields),
  };
}

/** Fields describing an unexpected error: its class, message and first stack frames. */
export function errorFields(error: unknown): LogFields {
  // Duck-typed rather than `instanceof Error`, which fails for errors from another realm.
  const e = error as { name?: unknown; message?: unknown; stack?: unknown } | null;
  if (e !== null && typeof e === 'object' && typeof e.message === 'string') {
    const stack = typeof e.stack === 'string' ? e.stack.split('\n').slice(1, 6).map((l) => l.trim()).join(' | ') : undefined;
    return { error: typeof e.name === 'string' ? e.name : 'Error', errorMessage: e.message.slice(0, 500), stack };
  }
  return { error: typeof error };
}
