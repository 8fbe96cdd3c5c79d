/**
 * The graders' own reading of a reply: sentences, clauses and quotations. Deliberately independent of
 * the commander's language layer (src/language) so a grader never shares the reader's blind spots.
 */

export interface Sentence {
  /** The sentence with markdown emphasis removed and reported quotations replaced by `"…"`. */
  text: string;
  /** The same sentence with quotations kept (quote marks removed). */
  raw: string;
  /** Index of the line the sentence came from (lines are the replies' bullets and paragraphs). */
  line: number;
  question: boolean;
  /** Under a markdown heading or label such as "## Action items" or "**Stakeholder update:**". */
  heading: string;
}

const QUOTES: [string, string][] = [
  ['"', '"'],
  ['“', '”'],
  ['«', '»'],
];

/** Strips markdown emphasis, inline code ticks, heading hashes and list markers; keeps the words. */
export function plain(line: string): string {
  return line
    .replace(/^\s{0,6}(?:#{1,6}\s+|>\s?|[-*+•]\s+|\d{1,3}[.)]\s+)+/, '')
    .replace(/\*\*|__|(?<![\w*])\*(?![\s*])|(?<![\s*])\*(?![\w*])|`/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/**
 * A quotation is someone else's words (or an example of what not to say) unless the commander
 * introduces it as its own draft with a label and a colon ('Stakeholder update: "…"', 'Post: "…"').
 */
function isDraftQuote(before: string): boolean {
  return /(?:update|message|post|draft|status|announcement|tell them|say|send|notice|text|headline|summary)\s*(?:\([^)]*\))?\s*:\s*$/i.test(
    before.replace(/[*_`]/g, ''),
  );
}

/** Replaces reported quotations with `"…"` (drafts introduced with a label are kept, unquoted). */
export function withoutReportedQuotes(text: string): string {
  let out = text;
  for (const [open, close] of QUOTES) {
    const re = new RegExp(`${escapeRe(open)}([^${escapeRe(open)}${escapeRe(close)}\\n]{1,600})${escapeRe(close)}`, 'g');
    out = out.replace(re, (_m, inner: string, offset: number, whole: string) =>
      isDraftQuote(whole.slice(Math.max(0, offset - 60), offset)) ? inner : '"…"',
    );
  }
  // Single quotes only when they open after a space or bracket and close before one: never apostrophes.
  return out.replace(/(^|[\s([])'([^'\n]{1,300}?)'(?=[\s).,;:!?\]]|$)/g, (_m, pre: string, inner: string) =>
    /\s/.test(inner) || inner.length > 2 ? `${pre}"…"` : `${pre}'${inner}'`,
  );
}

export function withoutQuoteMarks(text: string): string {
  return text.replace(/["“”«»]/g, '');
}

function escapeRe(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const ABBREVIATIONS = /(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|min|hr|hrs|sec|no|nr|dr|mr|mrs|ms|st|inc)|\b[A-Z])\.$/i;

/** Splits one line into sentences at . ! ? followed by a space (not decimals, versions or abbreviations). */
function splitLine(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch !== '.' && ch !== '!' && ch !== '?') continue;
    const next = line[i + 1];
    if (next !== undefined && next !== ' ' && next !== '"' && next !== '”' && next !== ')') continue;
    if (ch === '.' && ABBREVIATIONS.test(line.slice(Math.max(start, i - 8), i + 1))) continue;
    let end = i + 1;
    while (end < line.length && /["”')]/.test(line[end]!)) end++;
    out.push(line.slice(start, end).trim());
    start = end;
  }
  if (start < line.length) out.push(line.slice(start).trim());
  return out.filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/** Sentences of a reply, line by line; headings and bold labels carry to the lines under them. */
export function sentences(reply: string): Sentence[] {
  const out: Sentence[] = [];
  let heading = '';
  reply.split(/\r?\n/).forEach((rawLine, line) => {
    if (/^\s*#{1,6}\s/.test(rawLine)) heading = plain(rawLine);
    else if (/^\s*\*\*[^*]+:\*\*\s*$/.test(rawLine)) heading = plain(rawLine);
    const kept = plain(rawLine);
    if (!kept) return;
    const cleaned = plain(withoutReportedQuotes(rawLine));
    const rawParts = splitLine(withoutQuoteMarks(kept));
    const parts = splitLine(cleaned);
    parts.forEach((text, i) => {
      out.push({ text, raw: rawParts[i] ?? text, line, question: /\?["”')\s]*$/.test(text), heading });
    });
  });
  return out;
}

/** Sentences with every quotation kept (marks removed): what the reply says, its drafts and examples included. */
export function rawSentences(reply: string): Sentence[] {
  const out: Sentence[] = [];
  let heading = '';
  reply.split(/\r?\n/).forEach((rawLine, line) => {
    if (/^\s*#{1,6}\s/.test(rawLine) || /^\s*\*\*[^*]+:\*\*\s*$/.test(rawLine)) heading = plain(rawLine);
    else if (!/^\s*(?:[-*+•]|\d{1,3}[.)])\s/.test(rawLine) && rawLine.trim()) heading = '';
    const kept = plain(withoutQuoteMarks(rawLine));
    for (const text of splitLine(kept))
      out.push({ text, raw: text, line, question: /\?["”')\s]*$/.test(text), heading });
  });
  return out;
}

/**
 * Clauses of a sentence: split at semicolons, dashes between spaces, and contrast or consequence
 * conjunctions ("but", "however", "so", "instead"), which start a new claim.
 */
export function clauses(sentence: string): string[] {
  return sentence
    .split(
      /\s*;\s*|\s+[—–]\s+|\s+-\s+|,?\s+\b(?:but|however|though|although|whereas|instead|yet|so that|so|otherwise|except)\b\s*,?\s*|\s*\((?=[^)]*\))|\)\s*/i,
    )
    .map((c) => c.trim())
    .filter((c) => /[\p{L}\p{N}]/u.test(c));
}

export interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
}

/** Words (with inner apostrophes and hyphens), numbers with decimals or colons, and @handles. */
export function tokens(text: string): Token[] {
  return [...text.matchAll(/@[\w.-]+|\d+(?:[.:,]\d+)*|[\p{L}][\p{L}\p{N}]*(?:['’-][\p{L}\p{N}]+)*/gu)].map((m) => ({
    text: m[0],
    lower: m[0].toLowerCase().replace(/’/g, "'"),
    start: m.index,
    end: m.index + m[0].length,
  }));
}
