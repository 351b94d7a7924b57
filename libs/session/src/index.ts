export { Session } from './session';
export type { SessionOptions, SessionIdentity, SessionState, SessionEvents, StateDetail, ServerInfo } from './session';
export { reconnectDelay, DEFAULT_BACKOFF } from './backoff';
export type { BackoffPolicy } from './backoff';
export { worldFromSnapshot, applyEvent, channelTree } from './world';
export type { World, ChannelNode } from './world';
export { Emitter } from './emitter';
export { SOCKET_OPEN } from './socket';
export type { SocketLike, SocketFactory } from './socket';
