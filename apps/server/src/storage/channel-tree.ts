/**
 * Pure functions over the channel tree (a list of nodes with parent ids). The repository
 * loads the whole tree inside a transaction and asks these before it writes; the tree is
 * bounded by the operator's maxChannels, so whole-tree walks are cheap.
 */

export interface TreeNode {
  id: number;
  parentId: number | null;
  position: number;
}

export function childrenOf<T extends TreeNode>(nodes: readonly T[], parentId: number | null): T[] {
  return nodes.filter((n) => n.parentId === parentId).sort((a, b) => a.position - b.position || a.id - b.id);
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
  const out: number[] = [];
  const walk = (at: number): void => {
    out.push(at);
    if (out.length > nodes.length) throw new Error('channel tree has a cycle');
    for (const child of childrenOf(nodes, at)) walk(child.id);
  };
  walk(id);
  return out;
}

/** Levels in the subtree rooted at `id` (a leaf has height 1). */
export function subtreeHeight(nodes: readonly TreeNode[], id: number): number {
  const children = childrenOf(nodes, id);
  return 1 + children.reduce((h, c) => Math.max(h, subtreeHeight(nodes, c.id)), 0);
}

/** Whether `candidate` is `id` itself or lies below it. */
export function isInSubtree(nodes: readonly TreeNode[], id: number, candidate: number): boolean {
  return subtreeIds(nodes, id).includes(candidate);
}

/** All nodes in display order: each parent, then its children by position (depth first). */
export function preorder<T extends TreeNode>(nodes: readonly T[]): T[] {
  const out: T[] = [];
  const walk = (parentId: number | null): void => {
    for (const child of childrenOf(nodes, parentId)) {
      out.push(child);
      walk(child.id);
    }
  };
  walk(null);
  return out;
}
