/**
 * Voice keys that follow the channel's MLS group: a new SframeContext for each group one
 * joins (a new group has its own secrets, so counters may start again), and the next epoch
 * set on it whenever the group moves on. Never two contexts for one epoch of one group: that
 * would restart SFrame counters under the same key and reuse nonces.
 *
 * Previous epochs stay decryptable for RETAIN_MS (frames sent just before a change), then
 * are retired.
 */
import { SframeContext } from '@lemon/crypto-wasm';

export interface VoiceGroup {
  /** The channel group as the chat engine sees it. */
  readonly channelState: { phase: 'waiting' | 'ready'; groupId?: string } | null;
  /** Moves `sframe` to the group's current epoch; the epoch, or null outside a group. */
  voiceEpoch(sframe: SframeContext): number | null;
}

export const RETAIN_MS = 5_000;

export class VoiceKeys {
  private held: { groupId: string; sframe: SframeContext; epochs: { epoch: number; at: number }[] } | null = null;

  constructor(private readonly group: VoiceGroup) {}

  /** The context to use now, or null outside a voice group. */
  readonly current = (): SframeContext | null => this.held?.sframe ?? null;

  /**
   * Call when the channel group changes (ChatClient 'channel' events) and on a timer: follows
   * the group and retires epochs older than RETAIN_MS. Returns true when the keys moved on
   * (a receiver should then retry frames that came early).
   */
  update(nowMs: number): boolean {
    const state = this.group.channelState;
    const groupId = state?.phase === 'ready' ? state.groupId : undefined;
    if (!groupId) {
      const had = this.held !== null;
      this.held = null;
      return had;
    }
    if (this.held?.groupId !== groupId) this.held = { groupId, sframe: SframeContext.create(), epochs: [] };
    const held = this.held;
    const before = held.sframe.currentEpoch;
    const epoch = this.group.voiceEpoch(held.sframe);
    const moved = epoch !== null && epoch !== before;
    if (moved) held.epochs.push({ epoch, at: nowMs });
    // Keep the newest epoch always; older ones until they have been superseded for RETAIN_MS.
    while (held.epochs.length > 1 && nowMs - held.epochs[1]!.at >= RETAIN_MS) {
      held.epochs.shift();
      held.sframe.retireBefore(held.epochs[0]!.epoch);
    }
    return moved;
  }
}
