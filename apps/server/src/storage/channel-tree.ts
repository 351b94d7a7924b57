/**
 * Pure functions over the channel tree (a list of nodes with parent ids). The repository
 * loads the whole tree inside a transaction and asks these before it writes; the tree is
 * bounded by the operator's maxChannels. Walks build a parent → children map once, so each
 * is O(n log n) rather than a scan of every node per visited node.
 */

export interface TreeNode {
  id: number;
  parentId: number | null;
  position: number;
}

const byPosition = (a: TreeNode, b: TreeNode): number => a.position - b.position || a.id - b.id;

/** Every parent's children, each list sorted by position — built once per walk, O(n log n). */
export function childrenMap<T extends TreeNode>(nodes: readonly T[]): Map<number | null, T[]> {
  const map = new Map<number | null, T[]>();
  for (const node of nodes) {
    const siblings = map.get(node.parentId);
    if (siblings) siblings.push(node);
    else map.set(node.parentId, [node]);
  }
  for (const siblings of map.values()) siblings.sort(byPosition);
  return map;
}

export function childrenOf<T extends TreeNode>(nodes: readonly T[], parentId: number | null): T[] {
  return nodes.filter((n) => n.parentId === parentId).sort(byPosition);
}

/** Depth of a node: top-level channels are at depth 1. */
export function depthOf(nodes: readonly TreeNode[], id: number): number {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  let depth = 0;
  for (let node = byId.get(id); node; node = node.parentId === null ? undefined : byId.get(node.parentId)) {
    depth += 1;
    if (depth > nodes.length) throw new Error('channel tree has a cycle');
  }
  return depth;
}

/** The node and everything below it, parents before children. */
export function subtreeIds(nodes: readonly TreeNode[], id: number): number[] {
  const children = childrenMap(nodes);
  const out: number[] = [];
  const walk = (at: number): void => {
    out.push(at);
    if (out.length > nodes.length) throw new Error('channel tree has a cycle');
    for (const child of children.get(at) ?? []) walk(child.id);
  };
  walk(id);
  return out;
}

/** Levels in the subtree rooted at `id` (a leaf has height 1). */
export function subtreeHeight(nodes: readonly TreeNode[], id: number): number {
  const children = childrenMap(nodes);
  let visited = 0;
  const height = (at: number): number => {
    visited += 1;
    if (visited > nodes.length + 1) throw new Error('channel tree has a cycle');
    return 1 + (children.get(at) ?? []).reduce((h, c) => Math.max(h, height(c.id)), 0);
  };
  return height(id);
}

/** Whether `candidate` is `id` itself or lies below it. */
export function isInSubtree(nodes: readonly TreeNode[], id: number, candidate: number): boolean {
  return subtreeIds(nodes, id).includes(candidate);
}

/** All nodes in display order: each parent, then its children by position (depth first). */
export function preorder<T extends TreeNode>(nodes: readonly T[]): T[] {
  const children = childrenMap(nodes);
  const out: T[] = [];
  const walk = (parentId: number | null): void => {
    for (const child of children.get(parentId) ?? []) {
      out.push(child);
      if (out.length > nodes.length) throw new Error('channel tree has a cycle');
      walk(child.id);
    }
  };
  walk(null);
  return out;
}
