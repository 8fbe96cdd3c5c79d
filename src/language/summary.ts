import type { Reading } from './read.js';
import type { Mention } from './scan.js';
import { joinTokens, type Tokenized } from './tokens.js';

const MAX_TITLE = 90;
const EVENTS = new Set([
  'outage',
  'errors',
  'slow',
  'risk',
  'security',
  'exposed',
  'dataLoss',
  'recovered',
  'recoveredWeak',
]);
const SUBJECTS = new Set([
  'surface',
  'revenue',
  'critical',
  'capacity',
  'network',
  'thirdParty',
  'dataNoun',
  'secret',
  'population',
]);

function clean(text: string): string {
  return text
    .replace(/https?:\/\/\S+/g, '')
    .replace(/```[\s\S]*?```|`[^`]*`/g, '')
    .replace(/<@?[\w.-]+>|@[\w.-]+/g, '')
    .replace(/\p{Extended_Pictographic}|\u200d|\ufe0f/gu, '')
    .replace(
      /^(?:hey|hi|hello|yo|folks|team|all|guys|everyone|ok|so|um+|uh+|fyi|heads up|urgent|help|pls|please)\b[\s,:!.-]*/gi,
      '',
    )
    .replace(
      /^(?:our|the|my|we(?:'re| are) seeing|we(?:'ve| have) got|i(?:'m| am) seeing|seeing|looks like|it seems)\s+/i,
      '',
    )
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:.!-]+|[\s,;:-]+$/g, '')
    .trim();
}

function bound(text: string): string {
  if (text.length <= MAX_TITLE) return text;
  const cut = text.slice(0, MAX_TITLE);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 40)).replace(/[\s,;:.-]+$/, '')}…`;
}

/**
 * A short title for what is wrong, written from what was understood: the clause that says what is
 * failing (greetings, handles, links and pasted blocks left out), or the pasted alert's summary.
 */
export function title(
  text: Tokenized,
  mentions: readonly Mention[],
  reading: Pick<Reading, 'alert' | 'condition'>,
): string | null {
  if (reading.alert)
    return (
      bound(clean(reading.alert.name ? `${reading.alert.name}: ${reading.alert.summary}` : reading.alert.summary)) ||
      null
    );
  const scored = text.sentences.flatMap((s) =>
    s.clauses.map((c) => {
      const here = mentions.filter((m) => m.sentence === c.sentence && m.clause === c.tokens[0]!.clause && !m.negated);
      const score =
        here.filter((m) => EVENTS.has(m.concept)).length * 3 +
        here.filter((m) => SUBJECTS.has(m.concept)).length +
        (s.question ? -2 : 0);
      return { clause: c, sentence: s, score };
    }),
  );
  const best = scored.filter((x) => x.score > 0).sort((a, b) => b.score - a.score)[0];
  if (!best) return null;
  // A clause too short to stand alone ("down") takes its sentence.
  const words = best.clause.tokens.length < 3 ? best.sentence.tokens : best.clause.tokens;
  const out = clean(joinTokens(words));
  if (!out) return null;
  return bound(out.charAt(0).toUpperCase() + out.slice(1)).replace(/[.!?]+$/, '');
}
