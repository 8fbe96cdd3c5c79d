import { conditionalBefore, conditionalSentence, hedgedBefore, negatedAt } from './polarity.js';
import { clauses, sentences } from './text.js';

export type Level = 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';

export interface LevelMention {
  level: Level;
  /** asserted: the reply says the incident is at this level; the rest say it is not, or not yet. */
  stance: 'asserted' | 'negated' | 'hedged' | 'superseded' | 'hypothetical' | 'question';
  sentence: string;
}

const WORDS: Record<string, string> = { one: '1', two: '2', three: '3', four: '4' };

const LEVEL_RE = /\bsev(?:erity)?(?:[\s-]*level)?[\s:=#-]*([1-4]|one|two|three|four)\b/gi;

/**
 * Every mention of a severity level, with what the reply does with it. "SEV1 — actually SEV3" and
 * "downgraded from SEV1 to SEV3" leave SEV3 asserted and SEV1 superseded; "not SEV1" is negated;
 * "might be SEV1" is hedged; "if it spreads, SEV1" and "whether this is SEV1" are hypothetical.
 */
export function levelMentions(reply: string): LevelMention[] {
  const out: LevelMention[] = [];
  for (const s of sentences(reply)) {
    const conditional = conditionalSentence(s.text);
    for (const c of clauses(s.text)) {
      for (const m of c.matchAll(LEVEL_RE)) {
        const level = `SEV${WORDS[m[1]!.toLowerCase()] ?? m[1]}` as Level;
        const before = c.slice(0, m.index);
        const afterText = c.slice(m.index + m[0].length);
        let stance: LevelMention['stance'] = 'asserted';
        if (s.question) stance = 'question';
        else if (
          conditional ||
          conditionalBefore(c, m.index) ||
          /\b(?:criteria|cadence|would|requires?|means|needs?)\b/i.test(afterText.slice(0, 20))
        )
          stance = 'hypothetical';
        else if (
          /\b(?:not|no|never|nor|unlike|isn't|wasn't|aren't|ain't|[a-z]+n't)\b[^,;:]{0,20}$/i.test(before) ||
          (negatedAt(c, m.index, 12) && !/,/.test(before.slice(-12)))
        )
          stance = 'negated';
        else if (
          /\bfrom\s*$|\b(?:was|were|had been|initially|originally|previously|earlier)\s+(?:a\s+|an\s+)?$/i.test(
            before,
          ) ||
          /^\s*,?\s*(?:→|->|=>|to\b|(?:now |was |is |being |gets |getting )?(?:downgraded|upgraded|lowered|raised|revised|reclassified|dropped|bumped|moved|changed)\s+(?:down |up )?to\b)/i.test(
            afterText,
          )
        )
          stance = 'superseded';
        else if (hedgedBefore(c, m.index)) stance = 'hedged';
        out.push({ level, stance, sentence: s.text });
      }
    }
  }
  return out;
}

/** The level the reply finally commits to: the last asserted one (a later correction replaces it). */
export function statedLevel(reply: string): {
  level: Level | null;
  mentions: LevelMention[];
  hedgedAfter: LevelMention | null;
} {
  const mentions = levelMentions(reply);
  const assertedAt = mentions.map((m, i) => (m.stance === 'asserted' ? i : -1)).filter((i) => i >= 0);
  const last = assertedAt.at(-1);
  if (last === undefined) return { level: null, mentions, hedgedAfter: null };
  const level = mentions[last]!.level;
  // "SEV1 — though it may really be a SEV3": a hedged other level after the claim unsettles it.
  const hedgedAfter = mentions.slice(last + 1).find((m) => m.stance === 'hedged' && m.level !== level) ?? null;
  return { level, mentions, hedgedAfter };
}
