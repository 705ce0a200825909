// Evaluation order over node references: a stable topological sort (declaration order breaks
// ties) that reports a cycle as the list of nodes on it.

/** A dependency cycle, as the node ids along it (first id repeated at the end). */
export class CycleError extends Error {
  /** Node ids on the cycle, e.g. `[a, b, a]`. */
  readonly cycle: string[];
  /**
   * Create a cycle error.
   * @param cycle the ids along the cycle
   */
  constructor(cycle: string[]) {
    super(`cycle: ${cycle.join(" -> ")}`);
    this.name = "CycleError";
    this.cycle = cycle;
  }
}

/**
 * Order nodes so every node comes after the nodes it depends on.
 * @param ids node ids in declaration order
 * @param deps dependencies of each node (ids not in `ids` are ignored)
 * @returns the evaluation order
 * @throws CycleError listing one cycle
 */
export function evaluationOrder(
  ids: readonly string[],
  deps: ReadonlyMap<string, readonly string[]>,
): string[] {
  const known = new Set(ids);
  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const id of ids) {
    indegree.set(id, 0);
    dependents.set(id, []);
  }
  for (const id of ids) {
    for (const d of new Set(deps.get(id) ?? [])) {
      if (!known.has(d)) continue;
      indegree.set(id, indegree.get(id)! + 1);
      dependents.get(d)!.push(id);
    }
  }
  const position = new Map(ids.map((id, i) => [id, i]));
  // Ready nodes kept sorted by declaration position for a stable, reproducible order.
  const ready = ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const next of dependents.get(id)!) {
      const left = indegree.get(next)! - 1;
      indegree.set(next, left);
      if (left === 0) insertSorted(ready, next, position);
    }
  }
  if (order.length < ids.length) {
    const remaining = ids.filter((id) => indegree.get(id)! > 0);
    throw new CycleError(findCycle(remaining, deps, known));
  }
  return order;
}

function insertSorted(list: string[], id: string, position: Map<string, number>): void {
  const p = position.get(id)!;
  let i = list.length;
  while (i > 0 && position.get(list[i - 1])! > p) i--;
  list.splice(i, 0, id);
}

function findCycle(
  remaining: string[],
  deps: ReadonlyMap<string, readonly string[]>,
  known: Set<string>,
): string[] {
  const inRemaining = new Set(remaining);
  // Walk dependencies from a remaining node until a node repeats: that loop is a cycle.
  let current = remaining[0];
  const path: string[] = [];
  const seenAt = new Map<string, number>();
  while (!seenAt.has(current)) {
    seenAt.set(current, path.length);
    path.push(current);
    const next = (deps.get(current) ?? []).find((d) => known.has(d) && inRemaining.has(d));
    if (next === undefined) break;
    current = next;
  }
  const start = seenAt.get(current) ?? 0;
  const cycle = path.slice(start);
  // Dependencies point backwards (node -> what it reads); show the flow direction instead.
  cycle.reverse();
  return [...cycle, cycle[0]];
}
