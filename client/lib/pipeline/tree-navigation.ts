/**
 * Moving the selection through a tree in tree order (pre-order), as `j`/`k` and "next error" do.
 * `order` is the list of selectable paths, already without the ones hidden in collapsed subtrees.
 */

/** The path `step` places away from `current` (wrapping around); the first or last one when nothing is selected. */
export function stepSelection(order: readonly string[], current: string | null, step: 1 | -1): string | null {
  if (order.length === 0) return null;
  const index = current === null ? -1 : order.indexOf(current);
  if (index === -1) return step === 1 ? order[0]! : order[order.length - 1]!;
  return order[(index + step + order.length) % order.length]!;
}

/**
 * The next path after `current` in `order` for which `matches` holds, wrapping around; `current`
 * itself only when it is the single match. `current` may be a path that is not in `order` (hidden
 * in a collapsed subtree): `orderIndex` then places it.
 */
export function nextMatching(
  order: readonly string[],
  current: string | null,
  matches: (path: string) => boolean,
  orderIndex: (path: string) => number = (path) => order.indexOf(path),
): string | null {
  if (order.length === 0) return null;
  const start = current === null ? -1 : orderIndex(current);
  for (let i = 1; i <= order.length; i++) {
    const path = order[(start + i + order.length) % order.length]!;
    if (matches(path)) return path;
  }
  return null;
}
