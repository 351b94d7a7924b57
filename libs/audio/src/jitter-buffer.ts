/**
 * Per-speaker adaptive jitter buffer for voice frames.
 *
 * Sans-IO: it never reads a clock or sets a timer. The caller passes the arrival
 * time to push() and the playout time to pull(), both in milliseconds on the SAME
 * monotonic clock (performance.now(), currentTime * 1000, or a simulated clock in
 * tests). Payloads are opaque (still-encrypted or encoded Opus); decoding and loss
 * concealment happen outside, driven by what pull() answers.
 *
 * The model. Every frame has a sequence number `seq` (the sender's SFrame counter,
 * +1 per 20 ms frame). Its "offset" is `arrivalMs - seq * FRAME_MS`: transit time
 * plus an unknown constant, so differences between offsets are pure network jitter
 * (and sender/receiver clock drift, which shows up as a slow slope). Playout plays
 * frame `seq` at `seq * FRAME_MS + playoutOffset`, so a frame is on time exactly when
 * its offset is at most the playout offset. Adapting the delay therefore means
 * keeping the playout offset just above a high percentile of recent offsets, and the
 * only ways to move it are to play one frame less (skip) or one more (conceal
 * without advancing), each a 20 ms step.
 */
import { FRAME_MS } from './format';

/** One encoded voice frame as it came off the wire. */
export interface EncodedFrame {
  /** Per-sender frame counter: +1 per 20 ms frame. A non-negative safe integer. */
  readonly seq: number;
  /** Opaque encoded (possibly still encrypted) payload; the buffer never looks inside. */
  readonly payload: Uint8Array;
  /**
   * Key epoch / key id the counter belongs to, when the caller knows it. A change
   * means the sender's counter restarted, so the buffer starts a new stream.
   */
  readonly epoch?: number;
}

/** What the caller should do for this 20 ms playout tick. */
export type PullResult =
  /** Decode and play this payload. */
  | { readonly kind: 'frame'; readonly seq: number; readonly payload: Uint8Array }
  /**
   * Synthesize one frame with the decoder's packet-loss concealment. `seq` is the
   * slot being covered. When the buffer ran dry (the frame may just be late) or is
   * stretching its delay, it does not move past `seq`, so a later pull can still
   * return the real frame with the same `seq`.
   */
  | { readonly kind: 'conceal'; readonly seq: number }
  /** Play nothing: not started yet, re-buffering, or the speaker stopped. */
  | { readonly kind: 'silence' };

/** What push() did with a frame. Anything but accepted/restarted means it was discarded. */
export type PushResult =
  | 'accepted'
  /** Accepted as the first frame of a new stream (counter jump or epoch change). */
  | 'restarted'
  /** Its playout slot has already passed. */
  | 'late'
  /** Already received. */
  | 'duplicate'
  /** Older than the oldest frame the bounded buffer can still hold. */
  | 'overflow'
  /** seq is not a non-negative safe integer, or the arrival time is not finite. */
  | 'invalid';

export interface JitterBufferOptions {
  /** Target delay before anything has been measured. Default 40 ms (2 frames). */
  readonly initialDelayMs?: number;
  /** Lowest target delay. Default 20 ms (1 frame). */
  readonly minDelayMs?: number;
  /** Highest target delay; jitter beyond it is paid for with late frames. Default 200 ms. */
  readonly maxDelayMs?: number;
  /** Headroom above the measured jitter's 95th percentile. Default 10 ms. */
  readonly safetyMs?: number;
  /** Most frames held at once (memory bound). Default 50 (1 s). */
  readonly maxFrames?: number;
  /** Most consecutive concealed frames before falling silent. Default 5 (100 ms). */
  readonly maxConcealFrames?: number;
  /**
   * A counter jump larger than this (either direction) is a sender restart, not a
   * late or lost frame. Default 100 (2 s); at least maxFrames.
   */
  readonly restartJumpFrames?: number;
}

export interface JitterBufferStats {
  /** Every frame handed to push(), whatever became of it. */
  received: number;
  /** Frames returned by pull() for decoding. */
  played: number;
  /** 'conceal' answers: lost frames, underruns and delay stretches. */
  concealed: number;
  /** Frames discarded on purpose to bring the delay down (adaptation, clock drift, catch-up). */
  skipped: number;
  droppedLate: number;
  droppedDuplicate: number;
  /** Frames pushed out by the memory bound (or too old to fit in it). */
  droppedOverflow: number;
  droppedInvalid: number;
  /** Frames still buffered from the previous stream when a restart came. */
  droppedOnRestart: number;
  /** Stream restarts: counter jumps, epoch changes and reset() calls. */
  restarts: number;
  /** Delay the buffer is aiming for, above the fastest recent arrival. */
  targetDelayMs: number;
  /** Delay it actually had at the last pull (0 while not playing). */
  currentDelayMs: number;
  /** Spread of recent arrivals: 95th percentile minus minimum of the offsets. */
  jitterMs: number;
  bufferedFrames: number;
  playing: boolean;
}

/** Default headroom above the percentile, for estimation noise and uneven pull timing. */
const SAFETY_MS = 10;

const DEFAULTS = {
  initialDelayMs: 2 * FRAME_MS,
  minDelayMs: FRAME_MS,
  safetyMs: SAFETY_MS,
  maxDelayMs: 10 * FRAME_MS,
  maxFrames: 50,
  maxConcealFrames: 5,
  restartJumpFrames: 100,
} as const;

// Tuning. Each value trades latency against glitches; the reasons are given here
// so that changing one does not silently break the others.

/**
 * Arrivals the delay estimate looks back over (2 s). Long enough for a stable 95th
 * percentile, short enough that clock drift (0.5 % = 0.1 ms per frame) only adds
 * about 10 ms of apparent spread.
 */
const HISTORY_FRAMES = 100;
/** Share of recent frames that should arrive in time; the rest are concealed. */
const ON_TIME_QUANTILE = 0.95;
/**
 * The target rises at once (late frames are audible now) but falls at most this
 * fast, so one calm second after a bad one does not throw the headroom away.
 */
const TARGET_DECAY_MS_PER_S = 20;
/**
 * Ticks the delay must stay a whole frame above target before one frame is
 * skipped (0.5 s). Skips are audible; drift needs only one per 4 s at 0.5 %.
 */
const SHRINK_AFTER_TICKS = 25;
/**
 * Ticks the delay must stay below target before one conceal is inserted. Shorter
 * than for shrinking because being short costs late frames; an outright underrun
 * does not wait for this at all (see pull()).
 */
const GROW_AFTER_TICKS = 5;
/** Slack below target that does not count as "below", absorbing pull-time jitter (128-sample quanta). */
const GROW_TOLERANCE_MS = 3;
/**
 * When the delay is this far above target (pulls stalled, e.g. a throttled tab, or a
 * burst after an outage) skipping one frame per 0.5 s would take too long: jump.
 */
const CATCH_UP_MS = 200;

const SILENCE: PullResult = Object.freeze({ kind: 'silence' });

export class JitterBuffer {
  private readonly initialDelayMs: number;
  private readonly minDelayMs: number;
  private readonly safetyMs: number;
  private readonly maxDelayMs: number;
  private readonly capacity: number;
  private readonly maxConcealFrames: number;
  private readonly restartJumpFrames: number;

  // Frames, in a ring indexed by seq % capacity. Every buffered seq lies in
  // [lowSeq, lowSeq + capacity), so slots never collide.
  private readonly slots: (Uint8Array | undefined)[];
  private readonly slotSeq: Float64Array;
  private count = 0;
  private lowSeq = 0; // valid when count > 0
  private highSeq = 0; // valid when count > 0

  // Recently seen seqs, so a repeat is told apart from a merely late frame.
  private readonly seen: Float64Array;

  // Playout position.
  private playing = false;
  /** Next slot to play; kept while silent after a stop so stragglers count as late. */
  private nextSeq: number | undefined = undefined;
  private epoch: number | undefined = undefined;
  private concealRun = 0;
  private ticksAbove = 0;
  private ticksBelow = 0;

  // Arrival timing: a ring of recent offsets (arrivalMs - seq * FRAME_MS).
  private readonly offsets: Float64Array;
  private readonly scratch: Float64Array;
  private offsetCount = 0;
  private offsetHead = 0;
  private offsetsChanged = false;
  /** Set when the speaker stopped: the next talk spurt may come with a shifted offset. */
  private rebaselinePending = false;
  private minOffset = NaN;
  /** Absolute playout offset aimed for; NaN until a stream's first arrival is seen. */
  private targetOffset = NaN;
  /** Target relative to minOffset; survives restarts since the network path does not change. */
  private targetDelayMs: number;
  private jitterMs = 0;
  private currentDelayMs = 0;
  private lastPullMs = NaN;

  private readonly counters = {
    received: 0,
    played: 0,
    concealed: 0,
    skipped: 0,
    droppedLate: 0,
    droppedDuplicate: 0,
    droppedOverflow: 0,
    droppedInvalid: 0,
    droppedOnRestart: 0,
    restarts: 0,
  };

  constructor(options: JitterBufferOptions = {}) {
    const o = { ...DEFAULTS, ...options };
    if (!(o.minDelayMs > 0 && o.minDelayMs <= o.initialDelayMs && o.initialDelayMs <= o.maxDelayMs)) {
      throw new RangeError('JitterBuffer: need 0 < minDelayMs <= initialDelayMs <= maxDelayMs');
    }
    if (!(o.safetyMs >= 0 && o.safetyMs <= o.maxDelayMs)) throw new RangeError('JitterBuffer: need 0 <= safetyMs <= maxDelayMs');
    if (!Number.isInteger(o.maxFrames) || o.maxFrames < 2) throw new RangeError('JitterBuffer: maxFrames must be an integer >= 2');
    if (!Number.isInteger(o.maxConcealFrames) || o.maxConcealFrames < 0) {
      throw new RangeError('JitterBuffer: maxConcealFrames must be a non-negative integer');
    }
    if (!Number.isInteger(o.restartJumpFrames) || o.restartJumpFrames < o.maxFrames) {
      throw new RangeError('JitterBuffer: restartJumpFrames must be an integer >= maxFrames');
    }
    this.initialDelayMs = o.initialDelayMs;
    this.minDelayMs = o.minDelayMs;
    this.maxDelayMs = o.maxDelayMs;
    this.safetyMs = o.safetyMs;
    this.capacity = o.maxFrames;
    this.maxConcealFrames = o.maxConcealFrames;
    this.restartJumpFrames = o.restartJumpFrames;
    this.targetDelayMs = o.initialDelayMs;

    this.slots = new Array<Uint8Array | undefined>(this.capacity).fill(undefined);
    this.slotSeq = new Float64Array(this.capacity).fill(NaN);
    this.seen = new Float64Array(this.capacity + this.restartJumpFrames + 1).fill(NaN);
    this.offsets = new Float64Array(HISTORY_FRAMES);
    this.scratch = new Float64Array(HISTORY_FRAMES);
  }

  /** Hand over a frame that just arrived. Any order; the answer says whether it was kept. */
  push(frame: EncodedFrame, arrivalMs: number): PushResult {
    this.counters.received++;
    const seq = frame.seq;
    if (!Number.isSafeInteger(seq) || seq < 0 || !Number.isFinite(arrivalMs)) {
      this.counters.droppedInvalid++;
      return 'invalid';
    }

    let restarted = false;
    const epochChanged = frame.epoch !== undefined && this.epoch !== undefined && frame.epoch !== this.epoch;
    // Compare with the freshest thing known: buffered frames if any, else the playout position.
    const reference = this.count > 0 ? this.highSeq : this.nextSeq;
    if (epochChanged || (reference !== undefined && Math.abs(seq - reference) > this.restartJumpFrames)) {
      this.startNewStream();
      restarted = true;
    }
    if (frame.epoch !== undefined) this.epoch = frame.epoch;

    const seenSlot = seq % this.seen.length;
    if (this.seen[seenSlot] === seq) {
      this.counters.droppedDuplicate++;
      return 'duplicate';
    }
    this.seen[seenSlot] = seq;

    const late = this.nextSeq !== undefined && seq < this.nextSeq;
    // Late frames are timing evidence too (they are what says the delay is too short),
    // except a straggler from before a stop, which must not anchor the next talk spurt.
    if (!(late && this.rebaselinePending)) this.recordArrival(seq, arrivalMs);
    if (late) {
      this.counters.droppedLate++;
      return 'late';
    }

    if (this.count > 0) {
      if (seq <= this.highSeq - this.capacity) {
        this.counters.droppedOverflow++;
        return 'overflow';
      }
      const floor = this.playing ? (this.nextSeq as number) : this.lowSeq;
      if (seq >= floor + this.capacity) {
        // Full: give up the oldest frames rather than grow. While playing, the
        // position moves with them; the delay check in pull() then catches up.
        const newFloor = seq - this.capacity + 1;
        this.counters.droppedOverflow += this.discardBelow(newFloor);
        if (this.playing) this.nextSeq = newFloor;
      }
    } else if (this.playing && seq >= (this.nextSeq as number) + this.capacity) {
      this.nextSeq = seq - this.capacity + 1;
    }

    this.store(seq, frame.payload);
    return restarted ? 'restarted' : 'accepted';
  }

  /** Called once per 20 ms playout tick: what to play now. */
  pull(nowMs: number): PullResult {
    if (!Number.isFinite(nowMs)) throw new RangeError('JitterBuffer.pull: nowMs must be finite');
    this.updateTarget(nowMs);

    if (!this.playing) {
      // (Re)buffering: start once the oldest frame has waited out the target delay.
      if (this.count === 0 || Number.isNaN(this.targetOffset)) return SILENCE;
      if (nowMs - this.lowSeq * FRAME_MS < this.targetOffset) return SILENCE;
      this.playing = true;
      this.nextSeq = this.lowSeq;
      this.concealRun = 0;
      this.ticksAbove = 0;
      this.ticksBelow = 0;
    }

    let next = this.nextSeq as number;
    let excess = nowMs - next * FRAME_MS - this.targetOffset;

    if (excess >= CATCH_UP_MS && this.count > 0) {
      // Far behind: jump to just above target, keeping at least the newest frame.
      const to = Math.min(next + Math.floor(excess / FRAME_MS), this.highSeq);
      this.counters.skipped += this.discardBelow(to);
      next = to;
      excess = nowMs - next * FRAME_MS - this.targetOffset;
      this.ticksAbove = 0;
    }
    this.ticksAbove = excess >= FRAME_MS ? this.ticksAbove + 1 : 0;
    this.ticksBelow = excess < -GROW_TOLERANCE_MS ? this.ticksBelow + 1 : 0;

    // Gradual adaptation, only in the middle of a stream (frame at hand).
    if (this.has(next)) {
      if (this.ticksAbove >= SHRINK_AFTER_TICKS && this.has(next + 1)) {
        this.counters.skipped += this.discardBelow(next + 1);
        next++;
        excess -= FRAME_MS;
        this.ticksAbove = 0;
      } else if (this.ticksBelow >= GROW_AFTER_TICKS) {
        this.ticksBelow = 0;
        this.nextSeq = next;
        this.setCurrentDelay(excess);
        this.counters.concealed++;
        return { kind: 'conceal', seq: next };
      }
    }

    const payload = this.take(next);
    if (payload !== undefined) {
      this.nextSeq = next + 1;
      this.concealRun = 0;
      this.setCurrentDelay(excess);
      this.counters.played++;
      return { kind: 'frame', seq: next, payload };
    }

    if (this.concealRun >= this.maxConcealFrames) {
      if (this.count === 0) {
        // Nothing arrived for a while: the speaker stopped. Fall silent and re-buffer
        // when they come back, measuring their offset afresh (a talk spurt after a pause
        // arrives later in counter terms if the counter only counts sent frames).
        this.playing = false;
        this.nextSeq = next;
        this.rebaselinePending = true;
        this.currentDelayMs = 0;
        return SILENCE;
      }
      // A long hole with later frames waiting: stay silent through it, keeping time.
      this.nextSeq = next + 1;
      this.setCurrentDelay(excess);
      return SILENCE;
    }

    this.concealRun++;
    this.counters.concealed++;
    if (this.count > 0) {
      // Later frames are here, so this one is lost (or hopelessly late): move on.
      this.nextSeq = next + 1;
      this.setCurrentDelay(excess);
    } else {
      // Ran dry: more likely late than lost, so wait for it. This is also how the
      // delay grows instantly when the network slows down.
      this.nextSeq = next;
      this.setCurrentDelay(excess);
    }
    return { kind: 'conceal', seq: next };
  }

  /**
   * Forget the current stream (frames, position, arrival baseline) because the
   * sender restarted. The learned target delay and the counters are kept: the
   * network path is the same and the counters are cumulative per speaker. Make a
   * new JitterBuffer for a completely fresh one.
   */
  reset(): void {
    this.startNewStream();
    this.epoch = undefined;
  }

  /** Whether a stream is being played (frames or concealment), as opposed to (re)buffering. */
  get isPlaying(): boolean {
    return this.playing;
  }

  /**
   * While (re)buffering with frames at hand: the time (caller's clock) from which pull() starts
   * playing them; null while playing or empty. An idle playout can line its next pull up with
   * it instead of starting the talk spurt up to a frame late.
   */
  playableAt(nowMs: number): number | null {
    if (this.playing || this.count === 0) return null;
    this.updateTarget(nowMs);
    return Number.isNaN(this.targetOffset) ? null : this.lowSeq * FRAME_MS + this.targetOffset;
  }

  stats(): JitterBufferStats {
    return {
      ...this.counters,
      targetDelayMs: this.targetDelayMs,
      currentDelayMs: this.currentDelayMs,
      jitterMs: this.jitterMs,
      bufferedFrames: this.count,
      playing: this.playing,
    };
  }

  private startNewStream(): void {
    this.counters.restarts++;
    this.counters.droppedOnRestart += this.count;
    this.slots.fill(undefined);
    this.slotSeq.fill(NaN);
    this.seen.fill(NaN);
    this.count = 0;
    this.playing = false;
    this.nextSeq = undefined;
    this.concealRun = 0;
    this.ticksAbove = 0;
    this.ticksBelow = 0;
    this.currentDelayMs = 0;
    // A restarted counter maps to time differently: drop the offsets, keep the delay.
    this.clearOffsets();
    this.rebaselinePending = false;
  }

  /** Delay at this tick above the fastest recent arrival, from the excess over target. */
  private setCurrentDelay(excess: number): void {
    this.currentDelayMs = excess + this.targetOffset - this.minOffset;
  }

  // ---- arrival timing --------------------------------------------------------

  private recordArrival(seq: number, arrivalMs: number): void {
    if (this.rebaselinePending) {
      this.rebaselinePending = false;
      this.clearOffsets();
    }
    this.offsets[this.offsetHead] = arrivalMs - seq * FRAME_MS;
    this.offsetHead = (this.offsetHead + 1) % this.offsets.length;
    if (this.offsetCount < this.offsets.length) this.offsetCount++;
    this.offsetsChanged = true;
  }

  private clearOffsets(): void {
    this.offsetCount = 0;
    this.offsetHead = 0;
    this.offsetsChanged = false;
    this.minOffset = NaN;
    this.targetOffset = NaN;
  }

  /** Re-derive the playout offset to aim for from recent arrivals; once per tick. */
  private updateTarget(nowMs: number): void {
    const elapsed = Number.isNaN(this.lastPullMs) ? 0 : Math.max(0, nowMs - this.lastPullMs);
    this.lastPullMs = nowMs;
    if (this.offsetCount === 0) return;

    if (this.offsetsChanged) {
      this.offsetsChanged = false;
      const n = this.offsetCount;
      const sorted = this.scratch.subarray(0, n);
      sorted.set(this.offsets.subarray(0, n));
      sorted.sort();
      this.minOffset = sorted[0]!;
      const quantile = sorted[Math.max(0, Math.ceil(ON_TIME_QUANTILE * n) - 1)]!;
      this.jitterMs = quantile - this.minOffset;
      if (Number.isNaN(this.targetOffset)) {
        // First arrival of a stream: start from what was learned before (or the initial delay).
        this.targetOffset = this.minOffset + this.targetDelayMs;
      }
    }

    // Rise at once to what recent arrivals need, otherwise ease down.
    const wanted = this.minOffset + this.jitterMs + this.safetyMs;
    const decayed = this.targetOffset - (TARGET_DECAY_MS_PER_S * elapsed) / 1000;
    this.targetOffset = Math.max(wanted, decayed);
    this.targetOffset = Math.min(
      this.minOffset + this.maxDelayMs,
      Math.max(this.minOffset + this.minDelayMs, this.targetOffset),
    );
    this.targetDelayMs = this.targetOffset - this.minOffset;
  }

  // ---- frame storage -----------------------------------------------------------

  private has(seq: number): boolean {
    return this.count > 0 && this.slotSeq[seq % this.capacity] === seq;
  }

  private store(seq: number, payload: Uint8Array): void {
    const i = seq % this.capacity;
    // push() rejects repeats before this point; this keeps `count` honest regardless.
    if (this.slotSeq[i] === seq) {
      this.slots[i] = payload;
      return;
    }
    this.slots[i] = payload;
    this.slotSeq[i] = seq;
    if (this.count === 0) {
      this.lowSeq = seq;
      this.highSeq = seq;
    } else {
      if (seq < this.lowSeq) this.lowSeq = seq;
      if (seq > this.highSeq) this.highSeq = seq;
    }
    this.count++;
  }

  /** Remove and return the frame with this seq; only ever called for the lowest one. */
  private take(seq: number): Uint8Array | undefined {
    if (!this.has(seq)) return undefined;
    const i = seq % this.capacity;
    const payload = this.slots[i];
    this.slots[i] = undefined;
    this.slotSeq[i] = NaN;
    this.count--;
    if (this.count > 0 && seq === this.lowSeq) this.advanceLow();
    return payload;
  }

  /** Drop every buffered frame older than `seq`; returns how many there were. */
  private discardBelow(seq: number): number {
    let dropped = 0;
    while (this.count > 0 && this.lowSeq < seq) {
      this.take(this.lowSeq);
      dropped++;
    }
    return dropped;
  }

  private advanceLow(): void {
    let s = this.lowSeq + 1;
    while (!this.has(s)) s++;
    this.lowSeq = s;
  }
}
