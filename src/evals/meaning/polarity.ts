/**
 * Whether a claim at a position in a clause is asserted: not negated, not hedged, not conditional,
 * not a question. Scope is the clause, and a cue only governs what follows it.
 */

const NEGATORS =
  /\b(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot|unlike|instead of|rather than|other than|no one|no-one|no longer|avoid(?:s|ing)?|stop(?:s|ping)?|refrain(?:s|ing)? from|hold(?:ing)? off(?: on)?|far from|hardly|lack of|absent|[a-z]+n['’]t)\b/gi;

/** Phrases with a negative word that do not negate: "no later than 14:30" is a deadline, "not only" adds. */
const NOT_NEGATION =
  /\b(?:no (?:later|more|less|fewer|sooner) than|not (?:only|just|later than|more than)|no doubt|nothing but|not least|if not|whether or not|or not|no matter)\b/gi;

export function mask(text: string, re: RegExp): string {
  return text.replace(re, (m) => ' '.repeat(m.length));
}

/** Positions of negating cues in the clause, after removing phrases that only look negative. */
function negatorPositions(clause: string): number[] {
  const masked = mask(clause, NOT_NEGATION);
  return [...masked.matchAll(NEGATORS)].map((m) => m.index);
}

/** A negating cue stands before `at` in the clause (within `window` characters). */
export function negatedAt(clause: string, at: number, window = 80): boolean {
  // A label's colon ends a negation: "No on-call during leave: swap weeks" swaps.
  return negatorPositions(clause).some((p) => p < at && at - p <= window && !/:\s/.test(clause.slice(p, at)));
}

/** Any negating cue in the clause at all. */
export function hasNegation(clause: string): boolean {
  return negatorPositions(clause).length > 0;
}

const HEDGES =
  /\b(?:might|may|could|possibly|perhaps|maybe|probably|likely|unlikely|arguably|potentially|presumably|conceivably|seems?|appears? to|looks like|sort of|kind of|not sure|unsure|i think|i guess|i suspect|or so|tentatively|for all we know)\b/i;

export function hedgedBefore(clause: string, at: number): boolean {
  const before = clause.slice(0, at);
  return HEDGES.test(before.slice(-60));
}

export function hedged(clause: string): boolean {
  return HEDGES.test(clause);
}

const CONDITIONAL =
  /\b(?:if|unless|when|whenever|once|in case|whether|should it|should this|assuming|provided|in the event|would|were it|suppose|supposing|what if)\b/i;

/** The clause (or the sentence it opens) states a condition or a hypothetical rather than a fact. */
export function conditionalBefore(clause: string, at: number): boolean {
  return CONDITIONAL.test(clause.slice(0, at));
}

export function conditionalSentence(sentence: string): boolean {
  return /^\W*(?:if|unless|when|whenever|once|in case|should|assuming|provided|in the event|otherwise)\b/i.test(
    sentence,
  );
}
