import { InputError } from '../core/errors.js';
import { isBareDate, parseDuration, parseIsoTime } from '../core/time.js';
import type { ActionItem } from '../store/types.js';

const PLACEHOLDER_OWNERS = new Set([
  'tbd',
  'tba',
  'todo',
  'unassigned',
  'unknown',
  'none',
  'nobody',
  'n/a',
  'na',
  'someone',
  'somebody',
  'anyone',
  'everyone',
  'all',
  'team',
  'the team',
  'eng',
  'engineering',
  'ops',
  'sre',
  'devops',
  '?',
  '-',
  'owner',
  'tbc',
]);

/** An owner is one accountable person or a named team, never a placeholder. */
export function checkOwner(field: string, owner: string): string {
  const value = owner.trim();
  if (PLACEHOLDER_OWNERS.has(value.toLowerCase())) {
    throw InputError.field(
      field,
      `"${owner}" is not an owner: an action item needs one named, accountable person`,
      'Ask who will own it and pass their name; an item without an owner does not get done.',
    );
  }
  return value;
}

/** The last instant with a four-digit year: later ones print as "+010000-…". */
const LAST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Resolves a due date: an ISO time, a bare date (end of that day, UTC) or a duration from now ("14d", "2w").
 * It must be in the future.
 */
export function resolveDue(field: string, value: string, now: Date): string {
  let due: Date | null;
  const ms = parseDuration(value);
  if (ms !== null) due = new Date(now.getTime() + ms);
  else {
    due = parseIsoTime(value);
    if (due && isBareDate(value)) due = new Date(due.getTime() + 86_400_000 - 1);
  }
  if (!due)
    throw InputError.field(
      field,
      `"${value}" is not a date: use an ISO date such as "2026-12-10", a time such as "2026-12-10T17:00:00Z", or a duration such as "14d"`,
    );
  // A huge duration ("99999999999w") is past what a Date holds, or past year 9999 where ISO times stop sorting as text.
  if (!(due.getTime() <= LAST_TIME))
    throw InputError.field(
      field,
      `"${value}" is too far in the future for a deadline`,
      'Give a deadline the owner agreed to, such as "14d" or "2026-12-10".',
    );
  if (due.getTime() <= now.getTime())
    throw InputError.field(
      field,
      `${due.toISOString()} is in the past (now is ${now.toISOString()})`,
      'Give a future deadline the owner agreed to.',
    );
  return due.toISOString();
}

const STOP = new Set([
  'the',
  'a',
  'an',
  'to',
  'for',
  'of',
  'on',
  'in',
  'and',
  'or',
  'with',
  'add',
  'when',
  'is',
  'be',
  'by',
  'at',
  'from',
  'into',
  'our',
]);

/** Significant, crudely stemmed words: "Rolling back the deploys" → {roll, back, deploy}. */
export function wordStems(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((t) => t.length > 1 && !STOP.has(t))
      .map((t) => t.replace(/(?:ing|es|s)$/, '')),
  );
}

/** Jaccard similarity of the titles' significant words. */
export function titleSimilarity(a: string, b: string): number {
  const x = wordStems(a);
  const y = wordStems(b);
  if (!x.size || !y.size) return 0;
  let both = 0;
  for (const t of x) if (y.has(t)) both++;
  return both / (x.size + y.size - both);
}

export interface SimilarItem {
  item: ActionItem;
  similarity: number;
}

/** Unfinished items (any incident) whose titles resemble `title`, most similar first. */
export function similarOpenItems(title: string, items: readonly ActionItem[], threshold = 0.5): SimilarItem[] {
  return items
    .filter((i) => i.status === 'open' || i.status === 'in_progress')
    .map((item) => ({ item, similarity: Math.round(titleSimilarity(title, item.title) * 100) / 100 }))
    .filter((s) => s.similarity >= threshold)
    .sort((a, b) => b.similarity - a.similarity);
}

export function isOverdue(item: ActionItem, now: Date): boolean {
  return (item.status === 'open' || item.status === 'in_progress') && item.dueAt < now.toISOString();
}
