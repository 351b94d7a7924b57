/** `user.rename`: display names are unique server-wide (see storage/users.ts). */
import { broadcastEvent } from '../presence/broadcast';
import { logger } from '../log';
import { memberOf, type Handler } from './context';

const log = logger('users');

export const rename: Handler<'user.rename'> = (ctx, session, data) => {
  const { userId } = memberOf(session);
  const displayName = ctx.storage.users.rename(userId, data.displayName);
  if (ctx.presence.get(userId)?.user.displayName !== displayName) {
    ctx.presence.rename(userId, displayName);
    broadcastEvent(ctx.presence, 'user.renamed', { userId, displayName });
    log.info('renamed', { userId });
  }
  return { displayName };
};
