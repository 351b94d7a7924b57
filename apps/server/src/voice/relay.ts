/**
 * The voice relay: forwards opaque, end-to-end encrypted voice frames to the other people in
 * the sender's channel, never decrypting anything. What it decides:
 * - who may be heard: a present sender, in a channel with voice on, not muted, within their
 *   channel's bitrate (a flooding sender is cut down to it);
 * - who hears: the others in that channel who are not deafened and chose a voice path;
 * - when: everything for one listener in one tick (10 ms) leaves as one packet (one send per
 *   listener per tick, however many people talk — per-frame sends collapse at a few talkers);
 * - who is talking: start on the first frame, stop on an end marker or after a short silence.
 * Time comes in as arguments; the host calls tick() every TICK_MS. No sockets in here: packets
 * go out through the `send` function the host gives.
 */
import { ErrorCode, MAX_BATCH_FRAMES, ProtocolError, decodeVoiceUplink, encodeVoiceBatch, type User } from '@lemon/protocol';

export type VoicePath = 'datachannel' | 'websocket' | 'none';

export interface VoiceChannelSettings {
  voice: boolean;
  /** Opus bitrate, bits per second. */
  bitrate: number;
}

export interface VoiceRelayDeps {
  /** Present users of a channel (the relay asks at most once per channel per tick). */
  usersIn(channelId: number): readonly User[];
  user(userId: string): User | undefined;
  channel(channelId: number): VoiceChannelSettings | null;
  /** Delivers a downlink packet on the listener's path; false when it could not (closed, backed up). */
  send(userId: string, path: Exclude<VoicePath, 'none'>, packet: Uint8Array): boolean;
  /** Someone started or stopped talking. */
  talking(userId: string, channelId: number, talking: boolean): void;
}

/** Silence after which a speaker counts as stopped (a few lost frames do not flicker the light). */
export const TALKING_TIMEOUT_MS = 300;
/** Room above the channel bitrate for SFrame headers, tags and Opus's own variation. */
const BITRATE_HEADROOM = 1.5;
/** Burst a sender may send above its rate (e.g. after a network hiccup), in seconds of audio. */
const BURST_SECONDS = 0.2;
/** Frames a sender may send per second (50 at 20 ms) with headroom, and as a burst. */
const FRAMES_PER_SECOND = 60;
const FRAME_BURST = 10;

interface Speaker {
  bytes: number;
  frames: number;
  refilledAt: number;
  talkingIn: number | null;
  lastFrameAt: number;
}

export interface VoiceRelayStats {
  framesIn: number;
  framesOut: number;
  packetsOut: number;
  droppedNotAllowed: number;
  droppedOverRate: number;
  droppedBatchFull: number;
  droppedSendFailed: number;
}

export class VoiceRelay {
  private readonly paths = new Map<string, Exclude<VoicePath, 'none'>>();
  private readonly speakers = new Map<string, Speaker>();
  /** Frames waiting for each listener's packet of this tick. */
  private readonly pending = new Map<string, Uint8Array[]>();
  /** usersIn() results of this tick. */
  private readonly channelCache = new Map<number, readonly User[]>();
  private readonly counters: VoiceRelayStats = {
    framesIn: 0,
    framesOut: 0,
    packetsOut: 0,
    droppedNotAllowed: 0,
    droppedOverRate: 0,
    droppedBatchFull: 0,
    droppedSendFailed: 0,
  };

  constructor(private readonly deps: VoiceRelayDeps) {}

  setPath(userId: string, path: VoicePath): void {
    if (path === 'none') this.paths.delete(userId);
    else this.paths.set(userId, path);
  }

  pathOf(userId: string): VoicePath {
    return this.paths.get(userId) ?? 'none';
  }

  /**
   * One uplink packet from `userId`. Throws ProtocolError for a malformed packet (the host
   * counts it as abuse); returns whether the frame was relayed.
   */
  uplink(userId: string, packet: Uint8Array, now: number): boolean {
    const decoded = decodeVoiceUplink(packet);
    const sender = this.deps.user(userId);
    if (decoded.type === 'end') {
      if (sender) this.stopTalking(userId, now);
      return false;
    }
    this.counters.framesIn += 1;
    const settings = sender ? this.deps.channel(sender.channelId) : null;
    if (!sender || !settings?.voice || sender.muted) {
      this.counters.droppedNotAllowed += 1;
      return false;
    }
    const speaker = this.speaker(userId, now);
    if (!this.withinRate(speaker, settings.bitrate, decoded.frame.length, now)) {
      this.counters.droppedOverRate += 1;
      return false;
    }
    speaker.lastFrameAt = now;
    if (speaker.talkingIn !== sender.channelId) {
      if (speaker.talkingIn !== null) this.deps.talking(userId, speaker.talkingIn, false);
      speaker.talkingIn = sender.channelId;
      this.deps.talking(userId, sender.channelId, true);
    }
    // One copy shared by every listener: the view into the socket's buffer may be reused.
    const frame = decoded.frame.slice();
    for (const listener of this.listenersIn(sender.channelId)) {
      if (listener.id === userId || listener.deafened || !this.paths.has(listener.id)) continue;
      let queue = this.pending.get(listener.id);
      if (!queue) this.pending.set(listener.id, (queue = []));
      if (queue.length >= MAX_BATCH_FRAMES) {
        this.counters.droppedBatchFull += 1;
        continue;
      }
      queue.push(frame);
    }
    return true;
  }

  /**
   * Every 20 ms: one packet per listener with frames, and talking lights that timed out.
   * Listeners who hear the same frames (everyone but the speakers) share one packet object.
   */
  tick(now: number): void {
    const built = new Map<string, Uint8Array>();
    const ids = new Map<Uint8Array, number>();
    const keyOf = (frames: Uint8Array[]) =>
      frames
        .map((f) => {
          let id = ids.get(f);
          if (id === undefined) ids.set(f, (id = ids.size));
          return id;
        })
        .join(',');
    for (const [listenerId, frames] of this.pending) {
      const path = this.paths.get(listenerId);
      if (path) {
        const key = keyOf(frames);
        let packet = built.get(key);
        if (!packet) built.set(key, (packet = encodeVoiceBatch(frames)));
        if (this.deps.send(listenerId, path, packet)) {
          this.counters.packetsOut += 1;
          this.counters.framesOut += frames.length;
        } else {
          this.counters.droppedSendFailed += frames.length;
        }
      }
    }
    this.pending.clear();
    this.channelCache.clear();
    for (const [userId, speaker] of this.speakers) {
      if (speaker.talkingIn !== null && now - speaker.lastFrameAt >= TALKING_TIMEOUT_MS) this.stopTalking(userId, now);
      else if (speaker.talkingIn === null && now - speaker.lastFrameAt >= 10 * TALKING_TIMEOUT_MS) this.speakers.delete(userId);
    }
  }

  /** The user muted themselves: whatever they were saying ends now. */
  silence(userId: string): void {
    this.stopTalking(userId, 0);
  }

  /** The user moved: whatever they were saying ends where they were. */
  userMoved(userId: string): void {
    this.stopTalking(userId, 0);
    this.pending.delete(userId);
    this.channelCache.clear();
  }

  userLeft(userId: string): void {
    this.stopTalking(userId, 0);
    this.speakers.delete(userId);
    this.paths.delete(userId);
    this.pending.delete(userId);
    this.channelCache.clear();
  }

  stats(): VoiceRelayStats {
    return { ...this.counters };
  }

  private listenersIn(channelId: number): readonly User[] {
    let users = this.channelCache.get(channelId);
    if (!users) this.channelCache.set(channelId, (users = this.deps.usersIn(channelId)));
    return users;
  }

  private speaker(userId: string, now: number): Speaker {
    let speaker = this.speakers.get(userId);
    if (!speaker) {
      speaker = { bytes: Number.POSITIVE_INFINITY, frames: FRAME_BURST, refilledAt: now, talkingIn: null, lastFrameAt: now };
      this.speakers.set(userId, speaker);
    }
    return speaker;
  }

  /** Two token buckets: bytes at the channel's bitrate (with headroom) and frames per second. */
  private withinRate(speaker: Speaker, bitrate: number, bytes: number, now: number): boolean {
    const bytesPerSecond = (bitrate / 8) * BITRATE_HEADROOM;
    const byteBurst = bytesPerSecond * BURST_SECONDS + bytes;
    const elapsed = Math.max(0, now - speaker.refilledAt) / 1000;
    speaker.refilledAt = now;
    speaker.bytes = Math.min(byteBurst, speaker.bytes + elapsed * bytesPerSecond);
    speaker.frames = Math.min(FRAME_BURST, speaker.frames + elapsed * FRAMES_PER_SECOND);
    if (speaker.bytes < bytes || speaker.frames < 1) return false;
    speaker.bytes -= bytes;
    speaker.frames -= 1;
    return true;
  }

  /** Who is talking now (for someone who logs in mid-sentence). */
  talkers(): string[] {
    return [...this.speakers].filter(([, speaker]) => speaker.talkingIn !== null).map(([userId]) => userId);
  }

  private stopTalking(userId: string, now: number): void {
    const speaker = this.speakers.get(userId);
    if (!speaker || speaker.talkingIn === null) return;
    const channelId = speaker.talkingIn;
    speaker.talkingIn = null;
    if (now > 0) speaker.lastFrameAt = Math.min(speaker.lastFrameAt, now);
    this.deps.talking(userId, channelId, false);
  }
}

/** Why a voice packet was refused, for the host's abuse accounting. */
export function isMalformedVoice(error: unknown): boolean {
  return error instanceof ProtocolError && (error.code === ErrorCode.BAD_FRAME || error.code === ErrorCode.FRAME_TOO_LARGE);
}
