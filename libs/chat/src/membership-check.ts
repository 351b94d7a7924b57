/**
 * The server is every channel group's external sender, so a malicious one could add a member
 * of its own — a silent listener. Members can see it: the group's members must be people who
 * are visibly in the channel. This finds the ones who are not (a leaver's Remove still in flight
 * shows up for a moment, so callers confirm after a grace period).
 */
export function membersNotInChannel(memberUserIds: readonly string[], usersInChannel: Iterable<string>, selfId: string): string[] {
  const present = new Set(usersInChannel);
  return memberUserIds.filter((id) => id !== selfId && !present.has(id));
}

/** How long a member may stay in the group after leaving the channel before it counts as unknown. */
export const MEMBERSHIP_GRACE_MS = 15_000;
