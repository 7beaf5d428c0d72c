/** Edits beyond which a name is not suggested (commander's limit for commands and flags). */
const MAX_EDITS = 3;

/**
 * The known name closest to `word`, for "did you mean ...?": case-insensitive optimal string
 * alignment distance (insertions, deletions, substitutions, swaps of two neighbours), at most
 * three edits and under half the word's length (so `x` suggests nothing). A name that differs
 * only in case wins outright. Undefined when nothing is close. Pure.
 */
export function closestName(word: string, known: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestEdits = Infinity;
  for (const name of known) {
    const edits = editDistance(lower, name.toLowerCase(), MAX_EDITS);
    if (edits < bestEdits) {
      best = name;
      bestEdits = edits;
    }
  }
  if (best === undefined || bestEdits > MAX_EDITS || bestEdits * 2 >= Math.max(word.length, 2)) return undefined;
  return best;
}

/** Optimal string alignment distance, or `limit + 1` as soon as it is sure to exceed `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (before[j - 2] ?? 0) + 1);
      current.push(value);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}
