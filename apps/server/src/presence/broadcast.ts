import { encodeEventBody, type BinaryEventType, type EventData, type EventType } from '@lemon/protocol';
import type { Presence } from './registry';

/**
 * Encodes an event once and queues it to every present user (except `exceptUserId`);
 * the connection batches it with whatever else it sends in this turn.
 * Returns how many received it.
 */
export function broadcastEvent<K extends Exclude<EventType, BinaryEventType>>(
  presence: Presence,
  event: K,
  data: EventData<K>,
  options: { exceptUserId?: string } = {},
): number {
  const body = encodeEventBody(event, data);
  let sent = 0;
  for (const { member } of presence.all()) {
    if (member.userId === options.exceptUserId) continue;
    member.sendEvent(body);
    sent += 1;
  }
  return sent;
}
