// Voice for one connection, as the views see it: while the person is in a channel with voice
// on, the microphone goes through the talk gate, Opus and SFrame to the server, and what the
// server relays is decrypted, buffered, mixed and played. The transport (data channel or
// WebSocket) is the session's VoiceLink; the keys follow the channel's MLS group.
// Views read the accessors and call the actions; only this module touches audio and links.
import { batch, createSignal, type Accessor } from 'solid-js';
import { FRAME_MS, FRAME_SAMPLES, createOpusDecoder, createOpusEncoder, createWebCodecsOpusEncoder, frameLevelDbfs, webCodecsOpusSupported, type VoiceEncoder } from '@lemon/audio';
import type { ChatClient } from '@lemon/chat';
import type { User } from '@lemon/protocol';
import { VoiceLink, type Session, type VoiceLinkPath, type VoiceLinkStats } from '@lemon/session';
import { VoiceKeys, VoiceReceiver, VoiceSender } from '@lemon/voice';
import { AudioIo, MicrophoneError } from './audio-io';
import { OnsetRecorder, wallClockMs } from './onsets';
import { TalkGate } from './talk-gate';
import type { VoiceSettings } from './voice-settings';

export interface VoiceModelDeps {
  session: Session;
  chat: ChatClient;
  self: () => User | undefined;
  settings: () => VoiceSettings;
  notify: (text: string, tone: 'info' | 'error') => void;
  /** Record sound onsets for the latency benchmark (`?voice-debug=1`). */
  recordOnsets?: boolean;
}

export type VoicePhase = 'off' | 'starting' | 'on' | 'failed';

export interface VoiceDiagnostics {
  path: VoiceLinkPath;
  link: VoiceLinkStats;
  encoder: string | null;
  framesSent: number;
  received: ReturnType<VoiceReceiver['stats']> | null;
  underruns: number;
  outputLatencyMs: number;
  audioRunning: boolean;
}

/** How often the keys are checked against the channel group besides its own events. */
const KEY_CHECK_MS = 250;
/** A talk spurt due this soon starts now: less than one 128-sample render quantum. */
const EARLY_PULL_MS = 2.5;
/** The level meter moves every this many frames (60 ms), enough for the eye. */
const LEVEL_EVERY_FRAMES = 3;

export class VoiceModel {
  readonly phase: Accessor<VoicePhase>;
  readonly path: Accessor<VoiceLinkPath>;
  /** The microphone's level now, dBFS (what the sensitivity slider compares with). */
  readonly inputLevel: Accessor<number>;
  /** The microphone is being sent right now. */
  readonly sending: Accessor<boolean>;
  readonly problem: Accessor<string | null>;

  private readonly setPhase: (p: VoicePhase) => void;
  private readonly setPath: (p: VoiceLinkPath) => void;
  private readonly setInputLevel: (db: number) => void;
  private readonly setSending: (on: boolean) => void;
  private readonly setProblem: (text: string | null) => void;

  private readonly link: VoiceLink;
  private readonly keys: VoiceKeys;
  private readonly gate = new TalkGate();
  private readonly offs: (() => void)[] = [];
  private io: AudioIo | null = null;
  private encoder: VoiceEncoder | null = null;
  private sender: VoiceSender | null = null;
  private receiver: VoiceReceiver | null = null;
  private keyTimer: ReturnType<typeof setInterval> | null = null;
  private sendChain: Promise<void> = Promise.resolve();
  private devicesChain: Promise<void> = Promise.resolve();
  private outputWith = '';
  /** The WebCodecs encoder failed once: the WASM one took over. */
  private encoderReplaced = false;
  private readonly pushed = new Set<'key' | 'button'>();
  private framesSent = 0;
  private levelCount = 0;
  /** Bumped by every start/stop: work of an older start that finishes late is dropped. */
  private generation = 0;
  private bitrate = 48_000;
  private openedWith = '';
  readonly onsets: OnsetRecorder | null;

  constructor(private readonly deps: VoiceModelDeps) {
    [this.phase, this.setPhase] = createSignal<VoicePhase>('off');
    [this.path, this.setPath] = createSignal<VoiceLinkPath>('off');
    [this.inputLevel, this.setInputLevel] = createSignal(Number.NEGATIVE_INFINITY);
    [this.sending, this.setSending] = createSignal(false);
    [this.problem, this.setProblem] = createSignal<string | null>(null);
    this.link = new VoiceLink({ session: deps.session, createPeer: () => new RTCPeerConnection({ iceServers: [] }) });
    this.keys = new VoiceKeys(deps.chat);
    this.onsets = deps.recordOnsets ? new OnsetRecorder() : null;
    this.offs.push(
      this.link.on('path', (path) => this.setPath(path)),
      this.link.on('packet', (packet) => this.receiver?.receive(packet, performance.now())),
      deps.chat.on('channel', () => this.updateKeys()),
    );
  }

  /** Turns voice on (in a channel with voice on, at that channel's bitrate) or off. */
  setActive(active: boolean, bitrate: number): void {
    if (active && this.phase() !== 'off' && this.phase() !== 'failed') {
      if (bitrate !== this.bitrate) {
        this.bitrate = bitrate;
        this.encoder?.setBitrate(bitrate);
      }
      return;
    }
    this.bitrate = bitrate;
    if (active) void this.start();
    else this.stop();
  }

  /** Push-to-talk held or released (the key and the on-screen button count separately). */
  setPushed(source: 'key' | 'button', down: boolean): void {
    if (down) this.pushed.add(source);
    else this.pushed.delete(source);
  }

  /** Devices or processing changed: reopen what they affect. */
  async applyDevices(): Promise<void> {
    // One at a time, in call order: two overlapping reopens could finish the wrong way round.
    this.devicesChain = this.devicesChain.then(() => this.applyDevicesNow());
    return this.devicesChain;
  }

  private async applyDevicesNow(): Promise<void> {
    const io = this.io;
    if (!io) return;
    const s = this.deps.settings();
    if (s.outputDeviceId !== this.outputWith) {
      const ok = await io.setOutputDevice(s.outputDeviceId).then(
        () => true,
        () => false,
      );
      if (this.io !== io) return;
      this.outputWith = s.outputDeviceId;
      if (!ok) this.deps.notify('That speaker could not be used; voice plays on the default one.', 'info');
    }
    const wanted = microphoneKey(s);
    if (wanted === this.openedWith) return;
    // The talk spurt ends with the old microphone; a failed reopen must not leave a light on.
    this.endTalkSpurt();
    try {
      await io.openMicrophone(s.inputDeviceId, s);
      if (this.io !== io) return;
      this.openedWith = wanted;
      this.setProblem(null);
    } catch (error) {
      if (this.io !== io || (error instanceof MicrophoneError && error.code === 'SUPERSEDED')) return;
      this.openedWith = '';
      this.setProblem(error instanceof MicrophoneError ? error.message : String(error));
    }
  }

  /** Starts audio that the browser held back until the page was clicked. */
  resumeAudio(): void {
    void this.io?.resume().catch(() => undefined);
  }

  outputPeak(): { hz: number; db: number } | null {
    return this.io?.outputPeak() ?? null;
  }

  diagnostics(): VoiceDiagnostics {
    return {
      path: this.link.path,
      link: this.link.stats,
      encoder: this.encoder?.backend ?? null,
      framesSent: this.framesSent,
      received: this.receiver?.stats() ?? null,
      underruns: this.io?.underruns ?? 0,
      outputLatencyMs: this.io?.outputLatencyMs ?? 0,
      audioRunning: this.io?.running ?? false,
    };
  }

  close(): void {
    this.stop();
    for (const off of this.offs.splice(0)) off();
  }

  private async start(): Promise<void> {
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.setPhase('starting');
    this.setProblem(null);
    this.encoderReplaced = false;
    let io: AudioIo | null = null;
    let encoder: VoiceEncoder | null = null;
    try {
      io = await AudioIo.open({ frame: (samples) => this.onFrame(samples), need: (from, queued, lowWater) => this.onNeed(from, queued, lowWater) });
      encoder = (await webCodecsOpusSupported({ bitrate: this.bitrate }).catch(() => false))
        ? await createWebCodecsOpusEncoder({ bitrate: this.bitrate }).catch(() => createOpusEncoder({ bitrate: this.bitrate }))
        : await createOpusEncoder({ bitrate: this.bitrate });
      if (!current()) throw new Error('replaced');
    } catch (error) {
      encoder?.close();
      void io?.close();
      if (current()) {
        this.setPhase('failed');
        this.setProblem(`Voice could not start: ${String(error)}`);
      }
      return;
    }
    this.io = io;
    this.encoder = encoder;
    this.sender = new VoiceSender(encoder, this.keys.current);
    this.receiver = new VoiceReceiver({
      sframe: this.keys.current,
      makeDecoder: () => createOpusDecoder(),
      userAt: (leaf) => this.deps.chat.memberAt(leaf),
      volumeOf: (userId) => this.deps.settings().volumes[userId] ?? 1,
      ...(this.onsets
        ? {
            onReceived: (_user: string, seq: number) => this.onsets?.frameReceived(seq, wallClockMs()),
            onPlayed: (_user: string, seq: number) => this.onsets?.framePlayed(seq),
          }
        : {}),
    });
    this.keyTimer = setInterval(() => this.updateKeys(), KEY_CHECK_MS);
    this.updateKeys();
    this.link.start();
    this.setPhase('on');
    this.openedWith = '';
    await this.applyDevices();
  }

  private stop(): void {
    this.generation += 1;
    if (this.keyTimer) clearInterval(this.keyTimer);
    this.keyTimer = null;
    if (this.gate.open && this.sender) this.link.send(this.sender.end());
    this.gate.reset();
    this.pushed.clear();
    void this.link.stop();
    this.receiver?.close();
    this.encoder?.close();
    void this.io?.close();
    this.io = null;
    this.encoder = null;
    this.sender = null;
    this.receiver = null;
    this.openedWith = '';
    this.outputWith = '';
    batch(() => {
      this.setPhase('off');
      this.setSending(false);
      this.setInputLevel(Number.NEGATIVE_INFINITY);
    });
  }

  private updateKeys(): void {
    if (this.keys.update(performance.now())) this.receiver?.epochChanged(performance.now());
  }

  private onFrame(samples: Float32Array): void {
    const sender = this.sender;
    if (!sender) return;
    const onset = this.onsets && this.io ? this.onsets.capture(samples, wallClockMs(), this.io.sampleRate) : false;
    const level = frameLevelDbfs(samples);
    if (++this.levelCount % LEVEL_EVERY_FRAMES === 0) this.setInputLevel(level);
    const s = this.deps.settings();
    const self = this.deps.self();
    const change = this.gate.update({
      mode: s.mode,
      levelDb: level,
      thresholdDb: s.thresholdDb,
      pushed: this.pushed.size > 0,
      muted: (self?.muted ?? false) || (self?.deafened ?? false),
      nowMs: performance.now(),
    });
    if (change) this.setSending(change === 'open');
    if (this.gate.open) {
      this.sendChain = this.sendChain
        .then(() => sender.frame(samples))
        .then((packet) => {
          if (packet && this.sender === sender && this.link.send(packet)) {
            this.framesSent += 1;
            if (onset) this.onsets?.sentOnset(wallClockMs());
          }
        })
        .catch(() => this.encoderFailed(sender));
    } else if (change === 'close') {
      this.sendChain = this.sendChain.then(() => {
        if (this.sender === sender) this.link.send(sender.end());
      });
    }
  }

  /** Closes the talk gate now (the microphone goes away): the end marker turns the light off. */
  private endTalkSpurt(): void {
    const sender = this.sender;
    if (!this.gate.open || !sender) return;
    this.gate.reset();
    this.setSending(false);
    this.sendChain = this.sendChain.then(() => {
      if (this.sender === sender) this.link.send(sender.end());
    });
  }

  /**
   * The browser's encoder broke mid-call (WebCodecs reports errors by closing itself): the
   * WASM encoder takes over once; after that, a failure is shown.
   */
  private encoderFailed(sender: VoiceSender): void {
    if (this.sender !== sender) return;
    const broken = this.encoder;
    if (this.encoderReplaced || broken?.backend !== 'webcodecs') {
      this.setProblem('Voice could not be encoded; leave and rejoin the channel.');
      return;
    }
    this.encoderReplaced = true;
    this.sender = null;
    const generation = this.generation;
    createOpusEncoder({ bitrate: this.bitrate }).then(
      (encoder) => {
        if (generation !== this.generation) return encoder.close();
        broken.close();
        this.encoder = encoder;
        this.sender = new VoiceSender(encoder, this.keys.current);
      },
      () => this.setProblem('Voice could not be encoded; leave and rejoin the channel.'),
    );
  }

  /** The playout worklet of `io` wants more: always answered, with silence if nothing else. */
  private onNeed(io: AudioIo, queuedSamples: number, lowWater: number): void {
    const receiver = this.io === io ? this.receiver : null;
    const deafened = this.deps.self()?.deafened ?? false;
    const nowMs = performance.now();
    // Nobody playing and a talk spurt due within the next frame: play only the silence before
    // it, sized so the worklet asks again just when it is due, rather than starting it at the
    // next 20 ms boundary.
    const wait = receiver && !deafened ? receiver.idleWaitMs(nowMs) : null;
    if (wait !== null && wait > EARLY_PULL_MS && wait < FRAME_MS) {
      const silence = Math.ceil((wait * io.sampleRate) / 1000) + Math.max(0, lowWater - queuedSamples);
      io.play(new Float32Array(silence));
      return;
    }
    const out = new Float32Array(FRAME_SAMPLES);
    // Deafened: the server sends nothing, but what is still buffered is not played either.
    // A spurt due in less than EARLY_PULL_MS is pulled as if due now (a render quantum early).
    const early = wait !== null && wait <= EARLY_PULL_MS ? wait : 0;
    if (receiver && !deafened) receiver.pull(nowMs + early, out);
    const now = wallClockMs();
    this.onsets?.play(out, now, now + (queuedSamples * 1000) / io.sampleRate + io.outputLatencyMs, io.sampleRate);
    io.play(out);
  }
}

function microphoneKey(s: VoiceSettings): string {
  return JSON.stringify([s.inputDeviceId, s.echoCancellation, s.noiseSuppression, s.autoGainControl]);
}
