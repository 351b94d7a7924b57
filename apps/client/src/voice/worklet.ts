// The two AudioWorklet processors of voice, as one module loaded from a data: URL (a page
// opened from disk cannot load a worklet from a blob: URL, and the single-file build has no
// other file to point at).
//
// The module's source is `voiceWorkletModule.toString()`: the function must stay
// self-contained (no imports, no outer names) because it runs in the worklet's own scope.
//
// - 'lemon-capture' cuts the microphone into 20 ms frames of 960 samples (the context runs
//   at 48 kHz, so the browser has already resampled whatever rate the device gives) and
//   posts each frame, transferred, to the page.
// - 'lemon-playout' plays frames the page posts, asking for the next one whenever less than
//   PLAYOUT_LOW_WATER samples are queued: the audio clock, not a page timer, paces playout, so
//   the two can never drift apart. An empty queue plays silence and is counted.

export const CAPTURE_PROCESSOR = 'lemon-capture';
export const PLAYOUT_PROCESSOR = 'lemon-playout';

/** Messages from the playout processor to the page. */
/**
 * `queued`: samples still to play before the frame asked for (to time what is heard);
 * `lowWater`: the next request comes once fewer than this many samples are queued.
 */
export type PlayoutMessage = { kind: 'need'; queued: number; lowWater: number } | { kind: 'underrun'; count: number };

// Worklet globals, declared here for the type checker only (this module is not a worklet).
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

function voiceWorkletModule(): void {
  const FRAME = 960;
  // The next frame is asked for when less than this is left to play (counting frames already
  // asked for): four render quanta, ~10.7 ms for the page to answer. On average the queue then
  // holds this plus half a frame (~21 ms).
  const PLAYOUT_LOW_WATER = 512;
  // Frames queued beyond this are dropped (the page fell behind and then caught up at once).
  const PLAYOUT_MAX_FRAMES = 4;
  // ~200 ms of render quanta.
  const UNANSWERED_QUANTA = 75;

  class CaptureProcessor extends AudioWorkletProcessor {
    private frame = new Float32Array(FRAME);
    private filled = 0;

    process(inputs: Float32Array[][]): boolean {
      const channel = inputs[0]?.[0];
      if (!channel) return true;
      let offset = 0;
      while (offset < channel.length) {
        const n = Math.min(FRAME - this.filled, channel.length - offset);
        this.frame.set(channel.subarray(offset, offset + n), this.filled);
        this.filled += n;
        offset += n;
        if (this.filled === FRAME) {
          this.port.postMessage(this.frame, [this.frame.buffer]);
          this.frame = new Float32Array(FRAME);
          this.filled = 0;
        }
      }
      return true;
    }
  }

  class PlayoutProcessor extends AudioWorkletProcessor {
    private readonly queue: Float32Array[] = [];
    private readOffset = 0;
    private queued = 0;
    private asked = 0;
    private underruns = 0;
    /** Render quanta since a request went unanswered; past UNANSWERED_QUANTA it is asked again. */
    private waiting = 0;

    constructor() {
      super();
      this.port.onmessage = (event: MessageEvent<Float32Array>) => {
        if (this.asked > 0) this.asked -= 1;
        this.waiting = 0;
        if (this.queue.length >= PLAYOUT_MAX_FRAMES) return;
        this.queue.push(event.data);
        this.queued += event.data.length;
      };
    }

    process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
      const out = outputs[0]?.[0];
      if (!out) return true;
      let written = 0;
      while (written < out.length && this.queue.length > 0) {
        const head = this.queue[0]!;
        const n = Math.min(out.length - written, head.length - this.readOffset);
        out.set(head.subarray(this.readOffset, this.readOffset + n), written);
        written += n;
        this.readOffset += n;
        this.queued -= n;
        if (this.readOffset === head.length) {
          this.queue.shift();
          this.readOffset = 0;
        }
      }
      if (written < out.length) {
        out.fill(0, written);
        // Only a shortfall while frames were asked for is an underrun (not idle silence).
        if (this.asked > 0) {
          this.underruns += 1;
          this.port.postMessage({ kind: 'underrun', count: this.underruns });
        }
      }
      // A request the page never answered (it was busy starting, or dropped it) must not stop
      // playout for good: forget it after a while and ask again.
      if (this.asked > 0 && ++this.waiting > UNANSWERED_QUANTA) {
        this.asked = 0;
        this.waiting = 0;
      }
      // Ask for as many frames as keep the queue above its low water; never more than two at once.
      while (this.queued + this.asked * FRAME < PLAYOUT_LOW_WATER && this.asked < 2) {
        this.port.postMessage({ kind: 'need', queued: this.queued + this.asked * FRAME, lowWater: PLAYOUT_LOW_WATER });
        this.asked += 1;
      }
      for (let c = 1; c < (outputs[0]?.length ?? 0); c++) outputs[0]![c]!.set(out);
      return true;
    }
  }

  registerProcessor('lemon-capture', CaptureProcessor);
  registerProcessor('lemon-playout', PlayoutProcessor);
}

/** The processors' module as a data: URL, for `audioWorklet.addModule`. */
export function voiceWorkletUrl(): string {
  const source = `(${voiceWorkletModule.toString()})();\n`;
  return `data:text/javascript;charset=utf-8,${encodeURIComponent(source)}`;
}
