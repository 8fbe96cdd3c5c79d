/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The candidate a mistyped name most likely meant, if one is close enough to be worth suggesting. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestScore) [best, bestScore] = [c, d];
  }
  // A prefix ("--incid" for "--incident") is a likely meaning too.
  const prefixed = candidates.filter((c) => name.length >= 3 && c.startsWith(name));
  if (bestScore > Math.max(2, Math.floor(name.length / 4)) && prefixed.length === 1) return prefixed[0];
  return bestScore <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}
