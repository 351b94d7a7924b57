/** Voice of a connection: its WebRTC signalling, which path its voice uses, and mute/deafen. */
import { broadcastEvent } from '../presence/broadcast';
import { memberOf, type Handler } from './context';

export const voicePath: Handler<'voice.path'> = (ctx, session, data) => {
  const { userId } = memberOf(session);
  ctx.voice.relay.setPath(userId, data.path);
  return {};
};

export const voiceState: Handler<'voice.state'> = (ctx, session, data) => {
  const { userId } = memberOf(session);
  const before = ctx.presence.get(userId)?.user;
  if ((before?.muted ?? false) === data.muted && (before?.deafened ?? false) === data.deafened) return {};
  ctx.presence.setVoice(userId, data.muted, data.deafened);
  // Muting ends the talk spurt at once, so nobody's light stays on.
  if (data.muted) ctx.voice.relay.silence(userId);
  broadcastEvent(ctx.presence, 'user.voice', { userId, muted: data.muted, deafened: data.deafened });
  return {};
};

export const voiceConnect: Handler<'voice.connect'> = (ctx, session) => {
  ctx.voice.peers.connect(memberOf(session).userId);
  return {};
};

export const voiceAnswer: Handler<'voice.answer'> = (ctx, session, data) => {
  ctx.voice.peers.answer(memberOf(session).userId, data.answer);
  return {};
};

export const voiceCandidate: Handler<'voice.candidate'> = (ctx, session, data) => {
  ctx.voice.peers.candidate(memberOf(session).userId, data.candidate);
  return {};
};
