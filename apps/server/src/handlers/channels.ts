/**
 * Channel requests. The tree rules live in storage/channels.ts; here: who may do what,
 * presence changes and the events everyone gets.
 *
 * - join: anyone; joining the channel you are in is a success without an event.
 * - create: anyone logged in; the creator is recorded.
 * - update / delete: the channel's creator or a server admin (FORBIDDEN otherwise). The
 *   default channel (Lobby) has no creator, so only admins may rename, describe or reorder
 *   it; nobody can move it below another channel (CHANNEL_INVALID) or delete it (FORBIDDEN).
 *   Deleting a channel deletes its whole subtree, whoever created the channels below.
 *
 * Events a request causes are sent to everyone, the requester included, before the
 * response, so a client's state already reflects its request when the response arrives.
 */
import { ErrorCode, ProtocolError } from '@lemon/protocol';
import { logger } from '../log';
import { broadcastEvent } from '../presence/broadcast';
import { toProtocolChannel, type StoredChannel } from '../storage/channels';
import { memberOf, type Handler, type ServerContext } from './context';

const log = logger('channels');

function existing(ctx: ServerContext, channelId: number): StoredChannel {
  const channel = ctx.storage.channels.get(channelId);
  if (!channel) throw new ProtocolError(ErrorCode.NO_SUCH_CHANNEL, `channel ${channelId} does not exist`);
  return channel;
}

function requireManager(ctx: ServerContext, userId: string, channel: StoredChannel, action: string): void {
  if (channel.createdBy === userId || ctx.admins.has(userId)) return;
  throw ProtocolError.forbidden(`only the channel's creator or a server admin may ${action} it`);
}

function announceReordered(ctx: ServerContext, reordered: readonly StoredChannel[]): void {
  for (const channel of reordered) broadcastEvent(ctx.presence, 'channel.updated', { channel: toProtocolChannel(channel) });
}

export const joinChannel: Handler<'channel.join'> = (ctx, session, data) => {
  const { userId } = memberOf(session);
  existing(ctx, data.channelId);
  const from = ctx.presence.get(userId)?.user.channelId;
  if (from !== data.channelId) {
    ctx.presence.move(userId, data.channelId);
    broadcastEvent(ctx.presence, 'user.moved', { userId, channelId: data.channelId });
    ctx.channelGroups.userMoved(userId, from ?? null, data.channelId);
    ctx.voice.relay.userMoved(userId);
    log.debug('joined', { userId, channelId: data.channelId });
  }
  return { channelId: data.channelId };
};

export const createChannel: Handler<'channel.create'> = (ctx, session, data) => {
  const { userId } = memberOf(session);
  const channel = toProtocolChannel(
    ctx.storage.channels.create({ parentId: data.parentId, name: data.name, description: data.description, createdBy: userId, voice: data.voice, bitrate: data.bitrate }),
  );
  broadcastEvent(ctx.presence, 'channel.created', { channel });
  log.info('channel created', { userId, channelId: channel.id, parentId: channel.parentId });
  return { channel };
};

export const updateChannel: Handler<'channel.update'> = (ctx, session, data) => {
  const { userId } = memberOf(session);
  requireManager(ctx, userId, existing(ctx, data.channelId), 'change');
  const { channelId, ...changes } = data;
  const result = ctx.storage.channels.update(channelId, changes);
  const channel = toProtocolChannel(result.channel);
  if (result.changed) broadcastEvent(ctx.presence, 'channel.updated', { channel });
  announceReordered(ctx, result.reordered);
  if (result.changed) log.info('channel updated', { userId, channelId });
  return { channel };
};

export const deleteChannel: Handler<'channel.delete'> = (ctx, session, data) => {
  const { userId } = memberOf(session);
  const target = existing(ctx, data.channelId);
  if (target.id === ctx.storage.channels.defaultChannelId) {
    throw ProtocolError.forbidden('the default channel cannot be deleted');
  }
  requireManager(ctx, userId, target, 'delete');
  const { deleted, reordered } = ctx.storage.channels.delete(target.id);

  const fallback = ctx.storage.channels.defaultChannelId;
  for (const channelId of deleted) {
    for (const { user } of ctx.presence.inChannel(channelId)) {
      ctx.presence.move(user.id, fallback);
      broadcastEvent(ctx.presence, 'user.moved', { userId: user.id, channelId: fallback });
      ctx.channelGroups.userMoved(user.id, channelId, fallback);
      ctx.voice.relay.userMoved(user.id);
    }
  }
  broadcastEvent(ctx.presence, 'channel.deleted', { channelIds: deleted });
  announceReordered(ctx, reordered);
  log.info('channel deleted', { userId, channelId: target.id, subtree: deleted.length });
  return { deleted };
};
