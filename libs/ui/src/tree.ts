import type { Channel, User } from '@lemon/protocol';

/** One channel with the users in it and its sub-channels, in display order. */
export interface TreeNode {
  channel: Channel;
  users: User[];
  children: TreeNode[];
}

/** A row the user can move to with the keyboard, in the order shown on screen. */
export interface VisibleRow {
  key: string;
  kind: 'channel' | 'user';
  channelId: number;
  userId?: string;
  parentKey: string | null;
  expandable: boolean;
  expanded: boolean;
}

export const channelKey = (id: number): string => `c:${id}`;
export const userKey = (id: string): string => `u:${id}`;

/** Whether a channel row has anything to show below it. */
export function isExpandable(node: TreeNode): boolean {
  return node.users.length > 0 || node.children.length > 0;
}

/**
 * The rows currently on screen, top to bottom: each channel, then (when expanded) the
 * users in it, then its sub-channels. Pure, so keyboard navigation is testable without a DOM.
 */
export function visibleRows(nodes: readonly TreeNode[], collapsed: ReadonlySet<number>): VisibleRow[] {
  const rows: VisibleRow[] = [];
  const walk = (list: readonly TreeNode[], parentKey: string | null) => {
    for (const node of list) {
      const key = channelKey(node.channel.id);
      const expandable = isExpandable(node);
      const expanded = expandable && !collapsed.has(node.channel.id);
      rows.push({ key, kind: 'channel', channelId: node.channel.id, parentKey, expandable, expanded });
      if (!expanded) continue;
      for (const user of node.users) {
        rows.push({ key: userKey(user.id), kind: 'user', channelId: node.channel.id, userId: user.id, parentKey: key, expandable: false, expanded: false });
      }
      walk(node.children, key);
    }
  };
  walk(nodes, null);
  return rows;
}

export type TreeKeyAction =
  | { kind: 'focus'; key: string }
  | { kind: 'expand'; channelId: number }
  | { kind: 'collapse'; channelId: number }
  | { kind: 'join'; channelId: number }
  | { kind: 'select'; channelId: number }
  | { kind: 'none' };

/** What a key press on the focused row does (WAI-ARIA tree view pattern). */
export function keyAction(rows: readonly VisibleRow[], focusedKey: string | null, key: string): TreeKeyAction {
  if (rows.length === 0) return { kind: 'none' };
  const index = Math.max(0, rows.findIndex((r) => r.key === focusedKey));
  const row = rows[index]!;
  switch (key) {
    case 'ArrowDown':
      return index + 1 < rows.length ? { kind: 'focus', key: rows[index + 1]!.key } : { kind: 'none' };
    case 'ArrowUp':
      return index > 0 ? { kind: 'focus', key: rows[index - 1]!.key } : { kind: 'none' };
    case 'Home':
      return { kind: 'focus', key: rows[0]!.key };
    case 'End':
      return { kind: 'focus', key: rows[rows.length - 1]!.key };
    case 'ArrowRight':
      if (row.kind === 'channel' && row.expandable && !row.expanded) return { kind: 'expand', channelId: row.channelId };
      if (row.kind === 'channel' && row.expanded && rows[index + 1]) return { kind: 'focus', key: rows[index + 1]!.key };
      return { kind: 'none' };
    case 'ArrowLeft':
      if (row.kind === 'channel' && row.expanded) return { kind: 'collapse', channelId: row.channelId };
      return row.parentKey ? { kind: 'focus', key: row.parentKey } : { kind: 'none' };
    case 'Enter':
      return row.kind === 'channel' ? { kind: 'join', channelId: row.channelId } : { kind: 'none' };
    case ' ':
      return { kind: 'select', channelId: row.channelId };
    default:
      return { kind: 'none' };
  }
}
