/**
 * The client side of the voice transport. Voice starts over the WebSocket at once, so nobody
 * waits for ICE, while a WebRTC data channel with the server is tried alongside; once that
 * channel is up voice moves onto it, and whenever it fails voice falls back to the WebSocket
 * and the channel is tried again later. Callers see one `send()` and one `packet` event and
 * never learn (except through `path`) which way voice went.
 *
 * The peer connection is injected: the browser passes its native RTCPeerConnection, Node
 * clients pass werift's. Both satisfy the structural types below, so this library needs
 * neither DOM types nor werift.
 */
import type { EventData, ServerEvent } from '@lemon/protocol';
import { Emitter } from './emitter';
import type { Session } from './session';

/**
 * A callback slot as the W3C API declares them. Written as a method so its parameter is
 * compared bivariantly: the DOM's and werift's event types are richer than what we read,
 * and strict function types would otherwise reject them.
 */
type Handler<E> = { bivarianceHack(event: E): unknown }['bivarianceHack'];

/** An ICE candidate as signalled (RTCIceCandidateInit); only these fields travel. */
export interface IceCandidateLike {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

/** The subset of RTCDataChannel this link uses. */
export interface DataChannelLike {
  readonly readyState: string;
  /** Browsers default to Blob; werift has no such property and always hands out Buffers. */
  binaryType?: string;
  onopen?: Handler<unknown> | null;
  onclose?: Handler<unknown> | null;
  onmessage?: Handler<{ data: unknown }> | null;
  /**
   * Declared loosely on purpose so the DOM's overloads and werift's `string | Buffer` both
   * fit; we only ever pass ArrayBuffer-backed Uint8Arrays, which both accept.
   */
  send(data: string | ArrayBufferView): void;
}

/** The subset of RTCPeerConnection this link uses (the answering side). */
export interface PeerConnectionLike {
  readonly connectionState: string;
  readonly localDescription: { readonly sdp: string } | null;
  ondatachannel?: Handler<{ channel: DataChannelLike }> | null;
  onicecandidate?: Handler<{ candidate?: IceCandidateLike | null }> | null;
  onconnectionstatechange?: Handler<unknown> | null;
  setRemoteDescription(description: { type: 'offer'; sdp: string }): Promise<unknown>;
  createAnswer(): Promise<{ sdp?: string }>;
  setLocalDescription(description: { type: 'answer'; sdp: string }): Promise<unknown>;
  addIceCandidate(candidate: IceCandidateLike): Promise<unknown>;
  /** void in browsers, a promise in werift (resolved once its sockets are freed). */
  close(): unknown;
}

/** 'off': stopped, or the session is not online. */
export type VoiceLinkPath = 'off' | 'websocket' | 'datachannel';

export interface VoiceLinkOptions {
  session: Pick<Session, 'state' | 'on' | 'request' | 'sendVoice'>;
  /** Makes a fresh peer for each data-channel attempt; null keeps voice on the WebSocket. */
  createPeer: (() => PeerConnectionLike) | null;
  /** How long a data-channel attempt may take before it is given up. Default 5000 ms. */
  upgradeTimeoutMs?: number;
  /** Wait after a failed or lost data channel before trying again. Default 30000 ms. */
  retryDataChannelMs?: number;
  /**
   * The wait after the first failure in a row, shorter: one failure is often a busy moment (or
   * a network change), not a network that blocks UDP. Default 3000 ms.
   */
  firstRetryMs?: number;
}

export type VoiceLinkEvents = {
  /** One downlink packet, from whichever path it came. */
  packet: [packet: Uint8Array];
  path: [path: VoiceLinkPath];
};

export interface VoiceLinkStats {
  sent: { websocket: number; datachannel: number };
  received: { websocket: number; datachannel: number };
  /** Data-channel attempts started. */
  upgradeAttempts: number;
  /** Attempts that reached the data channel. */
  upgrades: number;
  /** Attempts that timed out or failed, and data channels lost after they were up. */
  failures: number;
}

export const DEFAULT_UPGRADE_TIMEOUT_MS = 5_000;
export const DEFAULT_RETRY_DATA_CHANNEL_MS = 30_000;
export const DEFAULT_FIRST_RETRY_MS = 3_000;

/** One data-channel attempt; replaced wholesale so late callbacks of an old one are ignored. */
interface Attempt {
  peer: PeerConnectionLike;
  channel: DataChannelLike | null;
  /** Events before voice.connect is answered belong to the server's previous peer. */
  acknowledged: boolean;
  remoteDescriptionSet: boolean;
  answerSent: boolean;
  /** Remote candidates that came before the offer was applied (addIceCandidate would throw). */
  remoteCandidates: IceCandidateLike[];
  /** Our candidates held back so the server has our answer before it gets them. */
  localCandidates: IceCandidateLike[];
  serverConnected: boolean;
  upgraded: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

export class VoiceLink extends Emitter<VoiceLinkEvents> {
  private readonly session: VoiceLinkOptions['session'];
  private readonly createPeer: (() => PeerConnectionLike) | null;
  private readonly upgradeTimeoutMs: number;
  private readonly retryDataChannelMs: number;
  private readonly firstRetryMs: number;
  /** Failed attempts since the last upgrade. */
  private failuresInRow = 0;
  private running = false;
  private currentPath: VoiceLinkPath = 'off';
  private attempt: Attempt | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private offs: (() => void)[] = [];
  private closing: Promise<void> = Promise.resolve();
  private readonly counters: VoiceLinkStats = {
    sent: { websocket: 0, datachannel: 0 },
    received: { websocket: 0, datachannel: 0 },
    upgradeAttempts: 0,
    upgrades: 0,
    failures: 0,
  };

  constructor(options: VoiceLinkOptions) {
    // A throwing listener must not break voice; report it outside our call stack.
    super((error) => queueMicrotask(() => { throw error; }));
    this.session = options.session;
    this.createPeer = options.createPeer;
    this.upgradeTimeoutMs = options.upgradeTimeoutMs ?? DEFAULT_UPGRADE_TIMEOUT_MS;
    this.retryDataChannelMs = options.retryDataChannelMs ?? DEFAULT_RETRY_DATA_CHANNEL_MS;
    this.firstRetryMs = Math.min(options.firstRetryMs ?? DEFAULT_FIRST_RETRY_MS, this.retryDataChannelMs);
  }

  get path(): VoiceLinkPath {
    return this.currentPath;
  }

  get stats(): VoiceLinkStats {
    return { ...this.counters, sent: { ...this.counters.sent }, received: { ...this.counters.received } };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { session } = this;
    this.offs = [
      session.on('online', () => this.begin()),
      session.on('state', (state) => {
        // The server forgets our voice with the connection; 'online' starts it over.
        if (state !== 'online') this.suspend();
      }),
      session.on('event', (event) => this.onServerEvent(event)),
      session.on('voice', (packet) => {
        this.counters.received.websocket++;
        this.emit('packet', packet);
      }),
    ];
    if (session.state === 'online') this.begin();
  }

  /** Stops voice on both paths. Resolves once the peer connection is closed. Idempotent. */
  stop(): Promise<void> {
    if (!this.running) return this.closing;
    this.running = false;
    for (const off of this.offs.splice(0)) off();
    this.clearRetry();
    this.closeAttempt();
    this.tellServer('none');
    this.setPath('off');
    return this.closing;
  }

  /** Sends one uplink packet on the current path; false when no path can take it. Never throws. */
  send(packet: Uint8Array): boolean {
    if (!this.running) return false;
    try {
      const channel = this.attempt?.channel;
      if (this.currentPath === 'datachannel' && channel?.readyState === 'open') {
        // The DOM only takes ArrayBuffer-backed views; copy the rare shared one.
        channel.send(packet.buffer instanceof ArrayBuffer ? packet : new Uint8Array(packet));
        this.counters.sent.datachannel++;
        return true;
      }
      // The server takes uplink from the WebSocket whatever our path, so this also covers
      // the moment between a channel closing and us hearing of it.
      if (this.session.sendVoice(packet)) {
        this.counters.sent.websocket++;
        return true;
      }
    } catch {
      // A channel closing under us; voice is lossy anyway.
    }
    return false;
  }

  // ---- internals ----

  /** (Re)starts voice after login: the WebSocket at once, the data channel alongside. */
  private begin(): void {
    if (!this.running) return;
    this.clearRetry();
    this.closeAttempt();
    this.setPath('websocket');
    this.tellServer('websocket');
    this.tryDataChannel();
  }

  private suspend(): void {
    this.clearRetry();
    this.closeAttempt();
    this.setPath('off');
  }

  private tryDataChannel(): void {
    if (!this.running || !this.createPeer || this.session.state !== 'online') return;
    this.counters.upgradeAttempts++;
    let peer: PeerConnectionLike;
    try {
      peer = this.createPeer();
    } catch {
      this.counters.failures++;
      this.scheduleRetry();
      return;
    }
    const attempt: Attempt = {
      peer,
      channel: null,
      acknowledged: false,
      remoteDescriptionSet: false,
      answerSent: false,
      remoteCandidates: [],
      localCandidates: [],
      serverConnected: false,
      upgraded: false,
      timer: setTimeout(() => this.fail(attempt), this.upgradeTimeoutMs),
    };
    this.attempt = attempt;
    const current = () => this.attempt === attempt;

    peer.onicecandidate = (event) => {
      const c = event.candidate;
      // Null or empty is end-of-candidates, which the server does not need.
      if (!current() || !c?.candidate) return;
      const candidate: IceCandidateLike = { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null };
      if (attempt.answerSent) this.sendCandidate(candidate);
      else attempt.localCandidates.push(candidate);
    };
    peer.onconnectionstatechange = () => {
      // 'disconnected' may recover on its own; these two do not.
      if (current() && (peer.connectionState === 'failed' || peer.connectionState === 'closed')) this.fail(attempt);
    };
    peer.ondatachannel = (event) => {
      if (!current()) return;
      const channel = event.channel;
      attempt.channel = channel;
      channel.binaryType = 'arraybuffer';
      channel.onmessage = (message) => {
        if (!current()) return;
        const packet = toBytes(message.data);
        if (!packet) return;
        this.counters.received.datachannel++;
        this.emit('packet', packet);
      };
      channel.onopen = () => current() && this.maybeUpgrade(attempt);
      channel.onclose = () => current() && this.fail(attempt);
      // Implementations may announce a channel that is already open; onopen never comes then.
      if (channel.readyState === 'open') this.maybeUpgrade(attempt);
    };

    this.session.request('voice.connect', {}).then(
      () => {
        if (current()) attempt.acknowledged = true;
      },
      () => current() && this.fail(attempt),
    );
  }

  private onServerEvent(event: ServerEvent): void {
    const attempt = this.attempt;
    if (!attempt?.acknowledged) return;
    switch (event.event) {
      case 'voice.offer':
        void this.answer(attempt, event.data);
        break;
      case 'voice.candidate':
        if (attempt.remoteDescriptionSet) this.addRemoteCandidate(attempt, event.data.candidate);
        else attempt.remoteCandidates.push(event.data.candidate);
        break;
      case 'voice.connection':
        if (event.data.state === 'connected') {
          attempt.serverConnected = true;
          this.maybeUpgrade(attempt);
        } else {
          this.fail(attempt);
        }
        break;
      default:
        break;
    }
  }

  private async answer(attempt: Attempt, data: EventData<'voice.offer'>): Promise<void> {
    const { peer } = attempt;
    const current = () => this.attempt === attempt;
    try {
      await peer.setRemoteDescription({ type: 'offer', sdp: data.offer });
      if (!current()) return;
      attempt.remoteDescriptionSet = true;
      for (const candidate of attempt.remoteCandidates.splice(0)) this.addRemoteCandidate(attempt, candidate);
      const answer = await peer.createAnswer();
      if (!current()) return;
      if (!answer.sdp) throw new Error('the peer made an empty answer');
      await peer.setLocalDescription({ type: 'answer', sdp: answer.sdp });
      if (!current()) return;
      // The local description may already list gathered candidates; prefer it.
      const sdp = peer.localDescription?.sdp || answer.sdp;
      const sent = this.session.request('voice.answer', { answer: sdp });
      attempt.answerSent = true;
      for (const candidate of attempt.localCandidates.splice(0)) this.sendCandidate(candidate);
      await sent;
    } catch {
      if (current()) this.fail(attempt);
    }
  }

  private addRemoteCandidate(attempt: Attempt, candidate: IceCandidateLike): void {
    if (!candidate.candidate) return;
    // A candidate the peer cannot use is no reason to give up; ICE uses the others.
    attempt.peer.addIceCandidate(candidate).catch(() => undefined);
  }

  private sendCandidate(candidate: IceCandidateLike): void {
    this.session.request('voice.candidate', { candidate }).catch(() => undefined);
  }

  /** Switches to the data channel once both ends agree it is up. */
  private maybeUpgrade(attempt: Attempt): void {
    if (attempt.upgraded || !attempt.serverConnected || attempt.channel?.readyState !== 'open') return;
    attempt.upgraded = true;
    if (attempt.timer) clearTimeout(attempt.timer);
    attempt.timer = null;
    this.counters.upgrades++;
    this.failuresInRow = 0;
    this.tellServer('datachannel');
    this.setPath('datachannel');
  }

  /** Gives up this attempt (or a channel that was up): back to the WebSocket, retry later. */
  private fail(attempt: Attempt): void {
    if (this.attempt !== attempt) return;
    this.counters.failures++;
    this.closeAttempt();
    if (this.currentPath === 'datachannel') {
      this.tellServer('websocket');
      this.setPath('websocket');
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (!this.running || !this.createPeer || this.retryTimer) return;
    this.failuresInRow++;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        this.tryDataChannel();
      },
      this.failuresInRow === 1 ? this.firstRetryMs : this.retryDataChannelMs,
    );
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private closeAttempt(): void {
    const attempt = this.attempt;
    if (!attempt) return;
    this.attempt = null;
    if (attempt.timer) clearTimeout(attempt.timer);
    const { peer, channel } = attempt;
    // Detach first: closing fires callbacks we no longer want.
    peer.onicecandidate = null;
    peer.onconnectionstatechange = null;
    peer.ondatachannel = null;
    if (channel) channel.onopen = channel.onclose = channel.onmessage = null;
    let closed: Promise<unknown>;
    try {
      closed = Promise.resolve(peer.close());
    } catch (error) {
      closed = Promise.reject(error);
    }
    // werift can reject while tearing down a half-made connection; its sockets are gone either way.
    const done = closed.then(() => undefined, () => undefined);
    const before = this.closing;
    this.closing = Promise.all([before, done]).then(() => undefined);
  }

  private tellServer(path: 'datachannel' | 'websocket' | 'none'): void {
    if (this.session.state !== 'online') return;
    this.session.request('voice.path', { path }).catch(() => undefined);
  }

  private setPath(path: VoiceLinkPath): void {
    if (this.currentPath === path) return;
    this.currentPath = path;
    this.emit('path', path);
  }
}

/** Data-channel payloads come as ArrayBuffer (browsers), Buffer (werift) or other views; text is not voice. */
function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}
