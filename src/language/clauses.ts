import type { Mention } from './scan.js';
import type { Tokenized } from './tokens.js';

/**
 * What a clause says about time and certainty. "might start failing" is a risk, "recovered on its
 * own" is over, "should we roll back?" asks, "if the disk fills" imagines, "yesterday" is past.
 */
export interface ClauseFrame {
  sentence: number;
  clause: number;
  /** The sentence asks. */
  question: boolean;
  /** "if", "unless", "would": a condition, not a fact. */
  hypothetical: boolean;
  /** "might", "may", "could", "will", "going to", "about to": what may happen, not what is happening. */
  modal: boolean;
  /** Scheduled or planned work. */
  planned: boolean;
  /** Told as over: "yesterday", "earlier", "ago … then". */
  past: boolean;
}

const MODALS = new Set(['might', 'may', 'could', 'will', 'gonna', 'would', 'should', 'likely', 'eventually', 'soon']);
const PLANNED = new Set([
  'scheduled',
  'planned',
  'plan',
  'planning',
  'maintenance',
  'upcoming',
  'tonight',
  'tomorrow',
  'announced',
]);
const HYPOTHETICAL = new Set(['if', 'unless', 'suppose', 'imagine', 'whenever', 'hypothetically', 'assuming']);

/** The frame of every clause. */
export function frames(text: Tokenized): ClauseFrame[] {
  const out: ClauseFrame[] = [];
  for (const sentence of text.sentences) {
    for (const clause of sentence.clauses) {
      const words = clause.tokens.map((t) => t.word);
      // "won't load", "couldn't connect", "can't log in": a failure now, not a modal.
      const modal =
        words.some(
          (w, i) =>
            MODALS.has(w) &&
            words[i + 1] !== 'not' &&
            !(w === 'will' && words[i + 1] === 'be' && words[i + 2] === 'not'),
        ) || words.some((w, i) => (w === 'going' || w === 'about') && words[i + 1] === 'to');
      out.push({
        sentence: clause.sentence,
        clause: clause.tokens[0]!.clause,
        question: sentence.question,
        hypothetical: words.some((w) => HYPOTHETICAL.has(w)),
        modal,
        planned: words.some((w) => PLANNED.has(w)),
        // Told as over: a past marker, a past verb, and nothing in the present ("issues created yesterday are missing" is now).
        past:
          words.some(
            (w) => w === 'yesterday' || w === 'earlier' || w === 'previously' || w === 'ago' || w === 'last',
          ) &&
          words.some((w) => w === 'was' || w === 'were' || w === 'had' || w === 'been') &&
          !words.some(
            (w) =>
              w === 'is' ||
              w === 'are' ||
              w === 'still' ||
              w === 'now' ||
              w === 'since' ||
              w === 'keeps' ||
              w === 'keep',
          ),
      });
    }
  }
  return out;
}

const NONE: ClauseFrame = {
  sentence: -1,
  clause: -1,
  question: false,
  hypothetical: false,
  modal: false,
  planned: false,
  past: false,
};

/** The frame of the clause a mention is in. */
export function frameAt(all: readonly ClauseFrame[], m: Pick<Mention, 'sentence' | 'clause'>): ClauseFrame {
  return all.find((c) => c.sentence === m.sentence && c.clause === m.clause) ?? NONE;
}
