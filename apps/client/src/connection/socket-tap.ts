// A WebSocket wrapper that lets the controller see frames before the Session does. Used only
// to learn WHY a login failed (the Session retries quietly on non-fatal login errors such as
// ALREADY_CONNECTED), so the person sees the reason in words.
import type { SocketFactory, SocketLike } from '@lemon/session';

export function tapSockets(create: SocketFactory, onText: (data: string) => void): SocketFactory {
  return (url) => {
    const socket = create(url);
    const tapped: SocketLike = {
      get readyState() {
        return socket.readyState;
      },
      get binaryType() {
        return socket.binaryType;
      },
      set binaryType(value: string) {
        socket.binaryType = value;
      },
      send: (data) => socket.send(data),
      close: (code, reason) => socket.close(code, reason),
      onopen: null,
      onclose: null,
      onerror: null,
      onmessage: null,
    };
    socket.onopen = (e) => tapped.onopen?.(e);
    socket.onclose = (e) => tapped.onclose?.(e);
    socket.onerror = (e) => tapped.onerror?.(e);
    socket.onmessage = (e) => {
      if (typeof e.data === 'string') onText(e.data);
      tapped.onmessage?.(e);
    };
    return tapped;
  };
}
