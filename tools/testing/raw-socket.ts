import { decodeServerFrame, type ServerMessage } from '@lemon/protocol';
import WebSocket from 'ws';

/**
 * A bare WebSocket for adversarial tests: sends exactly the bytes it is given and
 * lets the test wait for each decoded server message in turn.
 */
export class RawSocket {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const decoded = decodeServerFrame(data.toString());
      // Batches are unpacked so tests wait for each event by itself, in order.
      if (decoded.ok && decoded.value.kind === 'events') {
        for (const event of decoded.value.events) this.messages.push({ kind: 'event', ...event });
      } else if (decoded.ok) {
        this.messages.push(decoded.value);
      }
      for (const w of [...this.waiters]) w();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of [...this.waiters]) w();
    }));
  }

  static open(url: string): Promise<RawSocket> {
    const ws = new WebSocket(url);
    const raw = new RawSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(raw));
      ws.once('error', reject);
    });
  }

  send(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  get isClosed(): boolean {
    return this.ws.readyState === WebSocket.CLOSED || this.ws.readyState === WebSocket.CLOSING;
  }

  /** Resolves with the first not-yet-taken message matching `match` (bounded). */
  take(match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.messages.findIndex(match);
        if (index >= 0) {
          cleanup();
          resolve(this.messages.splice(index, 1)[0]!);
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          cleanup();
          reject(new Error('socket closed before the awaited message'));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The error answering request `id` (or id null). */
  error(id: number | null, timeoutMs?: number): Promise<Extract<ServerMessage, { kind: 'error' }>> {
    return this.take((m) => m.kind === 'error' && m.id === id, timeoutMs) as Promise<Extract<ServerMessage, { kind: 'error' }>>;
  }

  close(): void {
    this.ws.close();
  }
}
