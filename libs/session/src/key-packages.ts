/**
 * Keeping this client's stock of MLS key packages on the server full, and claiming someone
 * else's. Sans-IO: everything goes through session.request and session events; the key
 * packages themselves come from a source (in practice an MlsClient from @lemon/crypto-wasm,
 * which keeps their private keys).
 */
import { LIMITS, ProtocolError, fromBase64Url, toBase64Url, type RequestData, type RequestType, type ResponseData } from '@lemon/protocol';
import type { Session } from './session';

/** How many one-time key packages a client keeps on the server. */
export const KEY_PACKAGE_TARGET = 50;

/** Where new key packages come from, e.g. `{ make: (n) => mls.keyPackages(n), lastResort: () => mls.lastResortKeyPackage() }`. */
export interface KeyPackageSource {
  make(count: number): Uint8Array[];
  lastResort(): Uint8Array;
}

/** The part of a Session this module uses. */
export type KeyPackageSession = Pick<Session, 'on' | 'state'> & {
  request<K extends RequestType>(type: K, data: RequestData<K>): Promise<ResponseData<K>>;
};

export interface TopUpResult {
  /** One-time key packages on the server afterwards. */
  stock: number;
  /** How many one-time packages this top-up uploaded. */
  uploaded: number;
  /** Whether a last-resort package was uploaded (the server had none). */
  lastResortUploaded: boolean;
}

/** Room left in a JSON frame for the key packages, with margin for the envelope. */
const UPLOAD_TEXT_BUDGET = LIMITS.maxTextFrameBytes - 1024;

/** Splits base64url packages into uploads that respect the count and frame-size limits. */
function batches(texts: string[], firstReserve: number): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let size = firstReserve;
  for (const text of texts) {
    const cost = text.length + 3;
    if (current.length > 0 && (current.length >= LIMITS.maxKeyPackagesPerUpload || size + cost > UPLOAD_TEXT_BUDGET)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(text);
    size += cost;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Asks the server for the stock and uploads enough new one-time key packages to reach
 * `target` (and a last-resort package if the server has none).
 */
export async function topUpKeyPackages(
  session: KeyPackageSession,
  source: KeyPackageSource,
  target: number = KEY_PACKAGE_TARGET,
): Promise<TopUpResult> {
  const wanted = Math.min(Math.max(0, Math.floor(target)), LIMITS.maxStoredKeyPackages);
  const { stock, hasLastResort } = await session.request('keyPackages.stock', {});
  const missing = Math.max(0, wanted - stock);
  if (missing === 0 && hasLastResort) return { stock, uploaded: 0, lastResortUploaded: false };
  const texts = missing > 0 ? source.make(missing).map(toBase64Url) : [];
  let lastResort = hasLastResort ? undefined : toBase64Url(source.lastResort());
  const groups = batches(texts, lastResort?.length ?? 0);
  const lastResortUploaded = lastResort !== undefined;
  let now = stock;
  if (groups.length === 0) groups.push([]);
  for (const keyPackages of groups) {
    const result = await session.request('keyPackages.upload', lastResort === undefined ? { keyPackages } : { keyPackages, lastResort });
    lastResort = undefined;
    now = result.stock;
  }
  return { stock: now, uploaded: texts.length, lastResortUploaded };
}

export interface KeyPackageKeeper {
  /** Stops listening; a top-up already running finishes. */
  stop(): void;
}

export interface KeepStockedOptions {
  target?: number;
  /** After every completed top-up. */
  onTopUp?: (result: TopUpResult) => void;
  /** A top-up failed (e.g. the connection dropped); the next trigger tries again. */
  onError?: (error: unknown) => void;
}

/**
 * Tops the stock up now if the session is online, after every login, and whenever the
 * server says `keyPackages.low`. Triggers during a running top-up lead to one more run
 * after it, never to two at once.
 */
export function keepKeyPackagesStocked(
  session: KeyPackageSession,
  source: KeyPackageSource,
  options: KeepStockedOptions = {},
): KeyPackageKeeper {
  let running = false;
  let again = false;
  let stopped = false;
  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    topUpKeyPackages(session, source, options.target)
      .then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error }),
      )
      .then((outcome) => {
        running = false;
        const rerun = again && session.state === 'online';
        if (outcome.ok) options.onTopUp?.(outcome.result);
        else options.onError?.(outcome.error);
        if (rerun) run();
      });
  };
  const offOnline = session.on('online', run);
  const offEvent = session.on('event', (event) => {
    if (event.event === 'keyPackages.low') run();
  });
  if (session.state === 'online') run();
  return {
    stop() {
      stopped = true;
      offOnline();
      offEvent();
    },
  };
}

/**
 * Claims one key package of `userId` (to add them to a group). A one-time package is
 * handed out once; when they have none left the server returns their last-resort one.
 * Rejects with NO_SUCH_USER or NO_KEY_PACKAGE as the server answers.
 */
export async function claimKeyPackage(session: KeyPackageSession, userId: string): Promise<Uint8Array> {
  const { keyPackage } = await session.request('keyPackages.claim', { userId });
  const bytes = fromBase64Url(keyPackage);
  if (!bytes) throw ProtocolError.invalidPayload('the server sent a key package that is not base64url');
  return bytes;
}
