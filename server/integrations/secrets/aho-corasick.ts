/** Most cells of the dense transition table (4 bytes each); larger pattern sets use sparse transitions. */
const MAX_DENSE_CELLS = 2_000_000;

/**
 * An Aho-Corasick automaton over bytes: finds every occurrence of any of its patterns in one
 * pass, whatever their number. Bytes that occur in no pattern share one class, so the dense
 * table (state × class) stays small; a very large pattern set falls back to sparse transitions
 * with failure links.
 */
export class AhoCorasick {
  private readonly classOf = new Uint16Array(256);
  private readonly classes: number;
  /** Per state: its depth (bytes matched), and the longest pattern ending there (0: none). */
  private readonly depth: Int32Array;
  private readonly longest: Int32Array;
  private readonly fail: Int32Array;
  private readonly gotos: Map<number, number>[];
  private readonly dense: Int32Array | null;

  constructor(patterns: readonly Buffer[], maxDenseCells = MAX_DENSE_CELLS) {
    let classes = 1;
    for (const pattern of patterns) for (const byte of pattern) if (this.classOf[byte] === 0) this.classOf[byte] = classes++;
    this.classes = classes;

    const gotos: Map<number, number>[] = [new Map()];
    const depth: number[] = [0];
    const ends: number[] = [0];
    for (const pattern of patterns) {
      let state = 0;
      for (const byte of pattern) {
        const c = this.classOf[byte]!;
        let next = gotos[state]!.get(c);
        if (next === undefined) {
          next = gotos.length;
          gotos.push(new Map());
          depth.push(depth[state]! + 1);
          ends.push(0);
          gotos[state]!.set(c, next);
        }
        state = next;
      }
      ends[state] = pattern.length;
    }
    const states = gotos.length;
    this.gotos = gotos;
    this.depth = Int32Array.from(depth);
    this.longest = Int32Array.from(ends);
    this.fail = new Int32Array(states);

    // Breadth first: a state's failure link is set before its children's.
    const order: number[] = [0];
    for (let i = 0; i < order.length; i++) {
      const state = order[i]!;
      for (const [c, child] of gotos[state]!) {
        order.push(child);
        if (state !== 0) {
          let f = this.fail[state]!;
          while (f !== 0 && !gotos[f]!.has(c)) f = this.fail[f]!;
          this.fail[child] = gotos[f]!.get(c) ?? 0;
        }
        // The longest pattern ending here may be a suffix of this state's path.
        this.longest[child] = Math.max(this.longest[child]!, this.longest[this.fail[child]!]!);
      }
    }

    if (states * classes <= maxDenseCells) {
      const dense = new Int32Array(states * classes);
      for (const state of order) {
        for (let c = 0; c < classes; c++) {
          const next = gotos[state]!.get(c);
          dense[state * classes + c] = next ?? (state === 0 ? 0 : dense[this.fail[state]! * classes + c]!);
        }
      }
      this.dense = dense;
    } else this.dense = null;
  }

  /**
   * Scans `bytes` from `state`, calling `onMatch(endIndex, length)` with the longest pattern
   * ending at each position where one ends. Returns the state at the end (for a continuation).
   */
  scan(bytes: Uint8Array, state: number, onMatch: (end: number, length: number) => void): number {
    const { classOf, longest, classes } = this;
    const dense = this.dense;
    let s = state;
    if (dense) {
      for (let i = 0; i < bytes.length; i++) {
        s = dense[s * classes + classOf[bytes[i]!]!]!;
        if (longest[s] !== 0) onMatch(i, longest[s]!);
      }
      return s;
    }
    for (let i = 0; i < bytes.length; i++) {
      const c = classOf[bytes[i]!]!;
      for (;;) {
        const next = c === 0 ? undefined : this.gotos[s]!.get(c);
        if (next !== undefined) {
          s = next;
          break;
        }
        if (s === 0) break;
        s = this.fail[s]!;
      }
      if (longest[s] !== 0) onMatch(i, longest[s]!);
    }
    return s;
  }

  /** How many bytes of a pattern the state has matched so far. */
  depthOf(state: number): number {
    return this.depth[state]!;
  }
}
