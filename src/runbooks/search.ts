import type { Runbook } from './catalog.js';

/** Alert names are written in CamelCase ("CheckoutErrorRateHigh"). */
export const ALERT_NAME = /\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+){2,}\b/;

export type RunbookMatch = 'alert' | 'service' | 'words';

export interface RankedRunbook {
  runbook: Runbook;
  match: RunbookMatch;
  score: number;
}

export interface RunbookQuery {
  alert?: string | undefined;
  /** Canonical service names (aliases already resolved). */
  services?: readonly string[] | undefined;
  words?: string | undefined;
}

/** "CheckoutErrorRateHigh" and "checkout_error-rate" both read as "checkout error rate high". */
export function splitWords(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_\-./:]+/g, ' ');
}

const STOP = new Set([
  'the',
  'and',
  'for',
  'with',
  'from',
  'into',
  'our',
  'are',
  'was',
  'has',
  'have',
  'not',
  'after',
  'when',
  'high',
  'low',
]);

/** Crude stems, enough to match "lagging indexer" to "index lag": plurals, -ing/-ed/-er, doubled consonants. */
function stem(word: string): string {
  let w = word.length > 3 ? word.replace(/(?:es|s)$/, '') : word;
  if (w.length > 5) w = w.replace(/(?:ing|ed|er)$/, '');
  return w.replace(/([b-df-hj-np-tv-z])\1$/, '$1');
}

function stems(text: string): Set<string> {
  return new Set(
    splitWords(text)
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 2 && !STOP.has(w))
      .map(stem),
  );
}

/** Each runbook's words, stemmed once (runbooks load once per process; queries come many times). */
const indexes = new WeakMap<Runbook, { head: Set<string>; body: Set<string> }>();

export function runbookIndex(runbook: Runbook): { head: Set<string>; body: Set<string> } {
  let index = indexes.get(runbook);
  if (!index) {
    index = { head: stems(`${runbook.title} ${runbook.alerts.join(' ')}`), body: stems(runbook.body) };
    indexes.set(runbook, index);
  }
  return index;
}

/**
 * Ranks runbooks for a query: an exact alert match first (that is what the runbook is for), then
 * service matches, then word overlap with title, alerts and body. Pure.
 */
export function rankRunbooks(runbooks: readonly Runbook[], query: RunbookQuery): RankedRunbook[] {
  const alert = query.alert?.toLowerCase();
  const services = new Set(query.services ?? []);
  const words = stems(`${query.words ?? ''} ${query.alert ?? ''}`);
  const ranked: RankedRunbook[] = [];
  for (const runbook of runbooks) {
    const index = words.size ? runbookIndex(runbook) : null;
    const wordScore = index ? overlap(words, index.head) * 0.7 + overlap(words, index.body) * 0.3 : 0;
    let match: RunbookMatch | null = null;
    let score = 0;
    if (alert && runbook.alerts.some((a) => a.toLowerCase() === alert)) [match, score] = ['alert', 3];
    else if (runbook.services.some((s) => services.has(s))) [match, score] = ['service', 2];
    else if (wordScore >= 0.25) [match, score] = ['words', 0];
    if (match) ranked.push({ runbook, match, score: Math.round((score + wordScore) * 100) / 100 });
  }
  return ranked.sort((a, b) => b.score - a.score || a.runbook.file.localeCompare(b.runbook.file));
}

/** Share of the query's words found in the text. */
function overlap(query: Set<string>, text: Set<string>): number {
  let hits = 0;
  for (const w of query) if (text.has(w)) hits++;
  return hits / query.size;
}
