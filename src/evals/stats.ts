/** Small, exact statistics for pass rates over a few runs. */

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  let sum = 0;
  let term = (1 - p) ** n;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return Math.min(1, sum);
}

/**
 * One-sided Fisher exact test: the chance that `passes` of `runs` or fewer would pass if both runs
 * came from one pass rate, given `basePasses` of `baseRuns` in the baseline. Unlike a binomial test
 * against the baseline's rate, it knows the baseline is itself a sample: a baseline of 5/5 is not a
 * certainty, so one flip in 3 runs is chance (p = 0.375) while 0/3 is not (p = 0.018).
 */
export function fisherLower(passes: number, runs: number, basePasses: number, baseRuns: number): number {
  const total = runs + baseRuns;
  const successes = passes + basePasses;
  const denominator = logChoose(total, runs);
  let p = 0;
  for (let x = Math.max(0, runs - (total - successes)); x <= passes; x++)
    p += Math.exp(logChoose(successes, x) + logChoose(total - successes, runs - x) - denominator);
  return Math.min(1, p);
}

/** Wilson score interval for x passes of n at ~95% (z = 1.96). */
export function wilson(x: number, n: number, z = 1.959964): [number, number] {
  if (n === 0) return [0, 1];
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Newcombe's hybrid score interval (his method 10) for the difference of two pass rates, b − a, at
 * ~95%. Built from the two Wilson intervals, it stays inside [−1, 1] and behaves at rates of 0 and
 * 1 and at a handful of runs, where the textbook Wald interval collapses to zero width.
 */
export function newcombeDifference(xa: number, na: number, xb: number, nb: number): [number, number] {
  const pa = xa / na;
  const pb = xb / nb;
  const [la, ua] = wilson(xa, na);
  const [lb, ub] = wilson(xb, nb);
  const d = pb - pa;
  return [d - Math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2), d + Math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)];
}
