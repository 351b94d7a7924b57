/**
 * One client's WebRTC voice transport on the server: a werift RTCPeerConnection with a
 * single unordered, never-retransmitted data channel (`voice`).
 *
 * Sans-socket signalling: this module never touches the WebSocket. The owner carries
 * `createOffer()`'s SDP and the `candidate` events to the client, and hands the client's
 * answer and candidates back through `acceptAnswer()` / `addRemoteCandidate()`.
 *
 * Life cycle: new → connecting (offer made) → connected (data channel open) → closed.
 * `failed` (ICE/DTLS failure, connect timeout, channel closed by the client) is followed by
 * `closed` once everything is freed. `close()` is idempotent and frees ICE, DTLS, SCTP and
 * the UDP sockets.
 */
import { RTCPeerConnection, type RTCDataChannel } from 'werift';
// The typed emitter the client libraries use; a throwing listener is reported, never thrown into werift.
import { Emitter } from '@lemon/session';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  MAX_CANDIDATE_CHARS,
  VOICE_CHANNEL_LABEL,
  VOICE_CHANNEL_OPTIONS,
  type VoiceTransportOptions,
  weriftConfigOf,
} from './options';

export type VoicePeerState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

/** Why a peer failed; `closed` carries the reason too (`local` after `close()`). */
export type VoicePeerFailure = 'ice-failed' | 'connect-timeout' | 'channel-closed';
export type VoicePeerCloseReason = VoicePeerFailure | 'local';

/** An ICE candidate as it travels in signalling (the browser's RTCIceCandidateInit). */
export interface IceCandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

export interface VoicePeerEvents {
  /** A local ICE candidate to send to the client (trickle ICE). */
  candidate: [candidate: IceCandidateInit];
  /** One voice frame (a binary data-channel message) from the client. */
  message: [frame: Uint8Array];
  state: [state: VoicePeerState];
  failed: [reason: VoicePeerFailure];
  closed: [reason: VoicePeerCloseReason];
}

/** Counters for the owner's logs and metrics (no content, only counts). */
export interface VoicePeerStats {
  framesSent: number;
  /** Frames `send()` refused: channel not open, or over the buffered-bytes bound. */
  framesDropped: number;
  framesReceived: number;
  /** Text messages and other non-binary input, ignored. */
  messagesIgnored: number;
}

/** Creates the server-side peer for one client. Nothing is bound until `createOffer()`. */
export function createVoicePeer(options: VoiceTransportOptions = {}): VoicePeer {
  return new VoicePeer(options);
}

export class VoicePeer extends Emitter<VoicePeerEvents> {
  private readonly pc: RTCPeerConnection;
  private readonly channel: RTCDataChannel;
  private readonly maxBufferedBytes: number;
  private readonly connectTimeoutMs: number;
  private readonly unsubscribes: Array<() => void> = [];
  private connectTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private currentState: VoicePeerState = 'new';
  private readonly counters: VoicePeerStats = { framesSent: 0, framesDropped: 0, framesReceived: 0, messagesIgnored: 0 };

  /** Prefer `createVoicePeer()`. */
  constructor(options: VoiceTransportOptions = {}, onListenerError?: (error: unknown) => void) {
    super(onListenerError);
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.pc = new RTCPeerConnection(weriftConfigOf(options));
    this.channel = this.pc.createDataChannel(VOICE_CHANNEL_LABEL, { ...VOICE_CHANNEL_OPTIONS });
    this.wire();
  }

  get state(): VoicePeerState {
    return this.currentState;
  }

  /** The voice channel's parameters as werift holds them (for diagnostics and tests). */
  get channelParameters(): { label: string; ordered: boolean; maxRetransmits: number | null } {
    return { label: this.channel.label, ordered: this.channel.ordered, maxRetransmits: this.channel.maxRetransmits };
  }

  /** Bytes queued in the data channel, not yet handed to SCTP. */
  get bufferedAmount(): number {
    return this.channel.bufferedAmount;
  }

  stats(): Readonly<VoicePeerStats> {
    return { ...this.counters };
  }

  /**
   * Makes the offer (binding the UDP sockets and gathering candidates) and returns its SDP
   * for the client. Local candidates also arrive as `candidate` events. Call once.
   */
  async createOffer(): Promise<string> {
    if (this.currentState !== 'new') throw new Error(`createOffer in state ${this.currentState}`);
    this.setState('connecting');
    this.connectTimer = setTimeout(() => this.fail('connect-timeout'), this.connectTimeoutMs);
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('werift produced no local description');
    return sdp;
  }

  /** Applies the client's answer SDP. */
  async acceptAnswer(sdp: string): Promise<void> {
    if (this.currentState !== 'connecting') throw new Error(`acceptAnswer in state ${this.currentState}`);
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
  }

  /**
   * Adds one of the client's ICE candidates. Returns false for a candidate that is ignored:
   * malformed, too long, after close, or an mDNS `.local` host name (browsers hide host
   * addresses that way; the connection still forms through peer-reflexive candidates, and
   * resolving them would need multicast sockets).
   */
  async addRemoteCandidate(init: IceCandidateInit): Promise<boolean> {
    if (this.currentState === 'closed' || this.currentState === 'failed') return false;
    const line = init.candidate;
    if (typeof line !== 'string' || line.length > MAX_CANDIDATE_CHARS) return false;
    if (line === '') return true; // end of candidates
    const address = line.replace(/^a=/, '').split(' ')[4];
    if (!address || address.toLowerCase().endsWith('.local')) return false;
    try {
      await this.pc.addIceCandidate({
        candidate: line,
        sdpMid: init.sdpMid ?? undefined,
        sdpMLineIndex: init.sdpMLineIndex ?? undefined,
      });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Sends one voice frame. Never queues unboundedly: returns false (and counts a drop) when
   * the channel is not open or more than `maxBufferedBytes` are already waiting.
   */
  send(frame: Uint8Array): boolean {
    if (this.currentState !== 'connected' || this.channel.readyState !== 'open') {
      this.counters.framesDropped++;
      return false;
    }
    if (this.channel.bufferedAmount + frame.byteLength > this.maxBufferedBytes) {
      this.counters.framesDropped++;
      return false;
    }
    try {
      this.channel.send(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
    } catch {
      this.counters.framesDropped++;
      return false;
    }
    this.counters.framesSent++;
    return true;
  }

  /** Frees everything: data channel, SCTP, DTLS, ICE and UDP sockets. Idempotent. */
  close(): Promise<void> {
    return this.shutDown('local');
  }

  // ---- internals ----

  private wire(): void {
    const sub = <T extends unknown[]>(event: { subscribe(fn: (...args: T) => void): { unSubscribe(): void } }, fn: (...args: T) => void) => {
      const { unSubscribe } = event.subscribe(fn);
      this.unsubscribes.push(unSubscribe);
    };
    sub(this.pc.onIceCandidate, (candidate) => {
      if (!candidate || this.closing) return;
      const json = candidate.toJSON();
      this.emit('candidate', { candidate: json.candidate, sdpMid: json.sdpMid ?? null, sdpMLineIndex: json.sdpMLineIndex ?? null });
    });
    sub(this.pc.connectionStateChange, (state) => {
      if (state === 'failed') this.fail('ice-failed');
    });
    sub(this.channel.stateChanged, (state) => {
      if (state === 'open' && this.currentState === 'connecting') {
        clearTimeout(this.connectTimer);
        this.connectTimer = undefined;
        this.setState('connected');
      } else if ((state === 'closing' || state === 'closed') && !this.closing) {
        this.fail('channel-closed');
      }
    });
    sub(this.channel.onMessage, (data) => {
      if (typeof data === 'string') {
        this.counters.messagesIgnored++;
        return;
      }
      this.counters.framesReceived++;
      this.emit('message', new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
  }

  private setState(state: VoicePeerState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.emit('state', state);
  }

  private fail(reason: VoicePeerFailure): void {
    if (this.closing) return;
    this.setState('failed');
    this.emit('failed', reason);
    void this.shutDown(reason);
  }

  private shutDown(reason: VoicePeerCloseReason): Promise<void> {
    if (!this.closing) {
      clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
      this.closing = (async () => {
        for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
        try {
          await this.pc.close();
        } catch {
          // werift may throw while tearing down a half-made connection; the sockets are gone either way
        }
        this.setState('closed');
        this.emit('closed', reason);
        this.removeAllListeners();
      })();
    }
    return this.closing;
  }
}
