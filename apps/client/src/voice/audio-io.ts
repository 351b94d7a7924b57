// The page's audio devices for voice: the microphone through the capture worklet (20 ms frames
// at 48 kHz), and the mixed voice out through the playout worklet to the chosen speaker.
// One AudioContext at 48 kHz: the browser resamples the microphone to it, whatever its rate.
import { CAPTURE_PROCESSOR, PLAYOUT_PROCESSOR, voiceWorkletUrl, type PlayoutMessage } from './worklet';

export interface InputProcessing {
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
}

export interface AudioDevices {
  inputs: { deviceId: string; label: string }[];
  outputs: { deviceId: string; label: string }[];
}

export interface AudioIoEvents {
  /** One 20 ms microphone frame (960 samples); the array is the receiver's to keep. */
  frame: (samples: Float32Array) => void;
  /**
   * The playout worklet wants the next 20 ms frame: answer with `play()`. It starts playing
   * after `queuedSamples` more samples (plus the output latency); the worklet asks again once
   * fewer than `lowWater` samples are left.
   */
  need: (io: AudioIo, queuedSamples: number, lowWater: number) => void;
}

export class MicrophoneError extends Error {
  override readonly name = 'MicrophoneError';
  constructor(
    readonly code: 'DENIED' | 'NOT_FOUND' | 'UNAVAILABLE' | 'SUPERSEDED',
    message: string,
  ) {
    super(message);
  }
}

type SinkContext = AudioContext & { setSinkId?: (id: string) => Promise<void> };

export class AudioIo {
  private readonly context: SinkContext;
  private playout: AudioWorkletNode | null = null;
  private capture: AudioWorkletNode | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private stream: MediaStream | null = null;
  private readonly analyser: AnalyserNode;
  private underrunCount = 0;
  private closed = false;
  /** Bumped by every openMicrophone/closeMicrophone: a slower, older open gives its stream back. */
  private micGeneration = 0;

  private constructor(private readonly events: AudioIoEvents) {
    this.context = new AudioContext({ sampleRate: 48_000, latencyHint: 0 });
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 8192;
    // The peak follows what plays now (a smoothed one lingers for seconds after a voice stops).
    this.analyser.smoothingTimeConstant = 0;
  }

  /** Loads the worklets and starts playout (capture starts with `openMicrophone`). */
  static async open(events: AudioIoEvents): Promise<AudioIo> {
    if (typeof AudioWorkletNode === 'undefined' || !globalThis.isSecureContext) {
      throw new Error('voice needs a secure page: open client.html from disk, or the server over https://');
    }
    const io = new AudioIo(events);
    try {
      await io.context.audioWorklet.addModule(voiceWorkletUrl());
      const playout = new AudioWorkletNode(io.context, PLAYOUT_PROCESSOR, { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
      playout.port.onmessage = (event: MessageEvent<PlayoutMessage>) => {
        if (event.data.kind === 'need') io.events.need(io, event.data.queued, event.data.lowWater);
        else io.underrunCount = event.data.count;
      };
      playout.connect(io.analyser);
      io.analyser.connect(io.context.destination);
      io.playout = playout;
      // Autoplay rules may hold the context suspended until the page was clicked; joining a
      // channel is a click, so this normally succeeds at once.
      void io.context.resume().catch(() => undefined);
      return io;
    } catch (error) {
      void io.context.close().catch(() => undefined);
      throw error;
    }
  }

  get sampleRate(): number {
    return this.context.sampleRate;
  }

  get running(): boolean {
    return this.context.state === 'running';
  }

  /** Playout buffer underruns so far (the page answered a `need` too late). */
  get underruns(): number {
    return this.underrunCount;
  }

  /** Output latency the browser reports (hardware and its buffers), in ms. */
  get outputLatencyMs(): number {
    const ctx = this.context as AudioContext & { outputLatency?: number };
    return ((ctx.outputLatency ?? 0) + this.context.baseLatency) * 1000;
  }

  resume(): Promise<void> {
    return this.context.resume();
  }

  /** Plays one 20 ms frame, or a shorter stretch of silence (answers a `need`); transferred. */
  play(frame: Float32Array): void {
    this.playout?.port.postMessage(frame, [frame.buffer]);
  }

  /**
   * Opens (or reopens, with new settings) the microphone and starts sending frames. A call
   * overtaken by another, or by close(), releases what it opened and throws MicrophoneError
   * 'SUPERSEDED' — the microphone is never left open behind the page's back.
   */
  async openMicrophone(deviceId: string, processing: InputProcessing): Promise<void> {
    // The old stream goes first: Chromium keeps one processing setup per open device, so a
    // second stream opened alongside would come back with the old echo/noise/gain settings.
    this.closeMicrophone();
    const generation = this.micGeneration;
    if (this.closed) throw new MicrophoneError('SUPERSEDED', 'voice was turned off');
    if (!navigator.mediaDevices?.getUserMedia) throw new MicrophoneError('UNAVAILABLE', 'This page cannot use a microphone (it needs https:// or to be opened from disk).');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
          channelCount: 1,
          echoCancellation: processing.echoCancellation,
          noiseSuppression: processing.noiseSuppression,
          autoGainControl: processing.autoGainControl,
        },
        video: false,
      });
    } catch (error) {
      throw microphoneError(error);
    }
    const release = () => {
      for (const track of stream.getTracks()) track.stop();
    };
    if (this.closed || generation !== this.micGeneration) {
      release();
      throw new MicrophoneError('SUPERSEDED', 'the microphone was reopened or voice was turned off');
    }
    try {
      const source = this.context.createMediaStreamSource(stream);
      const capture = new AudioWorkletNode(this.context, CAPTURE_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit' });
      capture.port.onmessage = (event: MessageEvent<Float32Array>) => this.events.frame(event.data);
      source.connect(capture);
      this.stream = stream;
      this.source = source;
      this.capture = capture;
    } catch (error) {
      release();
      throw new MicrophoneError('UNAVAILABLE', `The microphone could not be connected (${String(error)}).`);
    }
  }

  get microphoneOpen(): boolean {
    return this.stream !== null;
  }

  /** The label of the microphone in use (empty before permission was given). */
  get microphoneLabel(): string {
    return this.stream?.getAudioTracks()[0]?.label ?? '';
  }

  closeMicrophone(): void {
    this.micGeneration += 1;
    this.source?.disconnect();
    this.capture?.port.close();
    this.capture?.disconnect();
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.source = null;
    this.capture = null;
    this.stream = null;
  }

  /** Routes voice to a speaker ('' = the system default); false where the browser cannot. */
  async setOutputDevice(deviceId: string): Promise<boolean> {
    if (typeof this.context.setSinkId !== 'function') return false;
    await this.context.setSinkId(deviceId);
    return true;
  }

  /**
   * The strongest frequency now being played (Hz) and its level (dB), from the output
   * analyser: what the voice diagnostics show, and how browser tests check what is heard.
   */
  outputPeak(): { hz: number; db: number } {
    const bins = new Float32Array(this.analyser.frequencyBinCount);
    this.analyser.getFloatFrequencyData(bins);
    let best = 0;
    for (let i = 1; i < bins.length; i++) if (bins[i]! > bins[best]!) best = i;
    return { hz: (best * this.context.sampleRate) / this.analyser.fftSize, db: bins[best]! };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closeMicrophone();
    this.playout?.port.close();
    this.playout?.disconnect();
    this.playout = null;
    await this.context.close().catch(() => undefined);
  }
}

/** Microphones and speakers (labels appear once microphone permission was given). */
export async function listAudioDevices(): Promise<AudioDevices> {
  const all = await navigator.mediaDevices.enumerateDevices();
  const pick = (kind: MediaDeviceKind) =>
    all.filter((d) => d.kind === kind && d.deviceId !== 'default' && d.deviceId !== 'communications').map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}` }));
  return { inputs: pick('audioinput'), outputs: pick('audiooutput') };
}

function microphoneError(error: unknown): MicrophoneError {
  const name = (error as { name?: string }).name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return new MicrophoneError('DENIED', 'Microphone access was refused: you can listen, but to talk allow it in the browser.');
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return new MicrophoneError('NOT_FOUND', 'No microphone found: you can listen, but not talk.');
  return new MicrophoneError('UNAVAILABLE', `The microphone could not be opened (${name ?? String(error)}).`);
}
