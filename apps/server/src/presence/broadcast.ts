import { encodeEvent, type EventData, type EventType } from '@lemon/protocol';
import type { Presence } from './registry';

/**
 * Encodes an event once and queues it to every present user (except `exceptUserId`).
 * Returns how many received it.
 */
export function broadcastEvent<K extends EventType>(
  presence: Presence,
  event: K,
  data: EventData<K>,
  options: { exceptUserId?: string } = {},
): number {
  const frame = encodeEvent(event, data);
  let sent = 0;
  for (const { member } of presence.all()) {
    if (member.userId === options.exceptUserId) continue;
    member.send(frame);
    sent += 1;
  }
  return sent;
}
