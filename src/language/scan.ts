import { FOREIGN, isCjk } from './foreign.js';
import { CONCEPTS, COMMON_WORDS, type Concept } from './lexicon.js';
import { editDistance, lemmas } from './lemma.js';
import { fold, type Token, type Tokenized } from './tokens.js';

/** A concept found in the text: which words, in which clause, and whether a negation reaches it. */
export interface Mention {
  concept: Concept;
  /** Token indexes over the whole message, end exclusive. */
  start: number;
  end: number;
  sentence: number;
  clause: number;
  negated: boolean;
  /** The matched words, normalised. */
  words: string;
}

interface Slot {
  alternatives: readonly string[];
}

interface Pattern {
  concept: Concept;
  slots: readonly Slot[];
  /** The phrase carries its own negation ("not work", "nobody can"): outside negations do not flip it. */
  selfNegating: boolean;
  /** Slots that match any word: the fewer, the more specific the phrase. */
  wild: number;
}

const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'none',
  'nothing',
  'without',
  'nor',
  'neither',
  'zero',
  '0',
  'nope',
  'nah',
  'lack',
]);
/** Words a negation does not reach past: it ends at the clause, or at one of these. */
const SCOPE_BREAKERS = new Set([
  'but',
  'and',
  'so',
  'then',
  'or',
  'however',
  'though',
  'although',
  'except',
  'while',
  'because',
  'instead',
]);
/** Concepts that name a thing rather than an event: a longer phrase of another concept does not hide them. */
const ENTITIES: ReadonlySet<Concept> = new Set<Concept>([
  'population',
  'surface',
  'revenue',
  'critical',
  'dataNoun',
  'secret',
  'capacity',
  'thirdParty',
  'network',
  'deployWords',
  'audienceCustomer',
  'audienceExecutive',
  'audienceEngineering',
  'universal',
  'all',
  'some',
  'secretWeak',
]);

function compile(): { byFirst: Map<string, Pattern[]>; vocabulary: Set<string> } {
  const byFirst = new Map<string, Pattern[]>();
  const vocabulary = new Set<string>();
  const entries = Object.entries(CONCEPTS) as [Concept, readonly string[]][];
  for (const [concept, words] of Object.entries(FOREIGN) as [Concept, readonly string[]][])
    entries.push([
      concept,
      words
        .filter((w) => !isCjk(w))
        .map((w) =>
          fold(w)
            .replace(/'/g, ' ')
            .split(/\s+/)
            .map((x) => `=${x}`)
            .join(' '),
        ),
    ]);
  for (const [concept, phrases] of entries) {
    for (const phrase of phrases) {
      for (const words of expandOptional(phrase.split(/\s+/)).flatMap(withContractions)) {
        const slots = words.map((w) => ({ alternatives: w.split('|') }));
        const first = slots[0]!;
        for (const alt of slots.flatMap((s) => s.alternatives))
          if (/^=?[a-z]/.test(alt)) vocabulary.add(alt.replace(/^=/, ''));
        const pattern: Pattern = {
          concept,
          slots,
          selfNegating: slots.some((s) =>
            s.alternatives.some((a) => NEGATORS.has(a) || a === 'nobody' || a === 'cannot'),
          ),
          wild: slots.filter((s) => s.alternatives.includes('*')).length,
        };
        for (const alt of first.alternatives.map((a) => a.replace(/^=/, ''))) {
          const list = byFirst.get(alt) ?? [];
          list.push(pattern);
          byFirst.set(alt, list);
        }
      }
    }
  }
  return { byFirst, vocabulary };
}

/** "dont" as typed, and "do not" as the tokenizer expands "don't": a phrase matches either. */
const CONTRACTIONS: Record<string, string> = {
  dont: 'do not',
  doesnt: 'does not',
  didnt: 'did not',
  wont: 'will not',
  cant: 'can not',
  shouldnt: 'should not',
  wasnt: 'was not',
  werent: 'were not',
  arent: 'are not',
  isnt: 'is not',
  hasnt: 'has not',
  havent: 'have not',
  couldnt: 'could not',
  wouldnt: 'would not',
  lets: 'let us',
  whats: 'what is',
  thats: 'that is',
  elses: 'else',
};

function withContractions(words: string[]): string[][] {
  if (!words.some((w) => w.split('|').some((a) => CONTRACTIONS[a]))) return [words];
  const expanded = words.flatMap((w) => {
    const alts = w.split('|');
    const full = alts.find((a) => CONTRACTIONS[a]);
    return full && alts.length === 1 ? CONTRACTIONS[full]!.split(' ') : [w];
  });
  return [words, expanded];
}

function expandOptional(words: string[]): string[][] {
  const i = words.findIndex((w) => w.endsWith('?') && w.length > 1);
  if (i < 0) return [words];
  const kept = [...words.slice(0, i), words[i]!.slice(0, -1), ...words.slice(i + 1)];
  const dropped = [...words.slice(0, i), ...words.slice(i + 1)];
  return [...expandOptional(kept), ...(dropped.length ? expandOptional(dropped) : [])];
}

const CJK = (Object.entries(FOREIGN) as [Concept, readonly string[]][])
  .map(([concept, words]) => [concept, words.filter(isCjk)] as const)
  .filter(([, words]) => words.length > 0);

let compiled: ReturnType<typeof compile> | null = null;
function lexicon(): ReturnType<typeof compile> {
  compiled ??= compile();
  return compiled;
}

const NUMBER = /^\d+(?:[.,]\d+)?%?$/;

/** The forms a token may match: its base forms, and a one-letter repair of a long unknown word ("timout"). */
export function forms(token: Token): string[] {
  const { vocabulary } = lexicon();
  const out = lemmas(token.word);
  if (
    out.some((f) => vocabulary.has(f)) ||
    COMMON_WORDS.has(token.word) ||
    token.word.length < 5 ||
    !/^[a-z]+$/.test(token.word)
  )
    return out;
  for (const candidate of vocabulary) {
    if (candidate[0] !== token.word[0] || Math.abs(candidate.length - token.word.length) > 1 || candidate.length < 5)
      continue;
    if (editDistance(token.word, candidate, 1) <= 1) {
      out.push(candidate);
      break;
    }
  }
  return out;
}

function slotMatches(slot: Slot, tokenForms: readonly string[]): boolean {
  for (const alt of slot.alternatives) {
    if (alt === '*') return true;
    if (alt === '#') {
      if (NUMBER.test(tokenForms[0] ?? '')) return true;
      continue;
    }
    if (alt.startsWith('=')) {
      if (tokenForms[0] === alt.slice(1)) return true;
      continue;
    }
    if (tokenForms.includes(alt)) return true;
  }
  return false;
}

/** Every concept mention in the text, longest phrases first; a shorter event phrase inside a longer one is dropped. */
export function scan(text: Tokenized): Mention[] {
  const { byFirst } = lexicon();
  const found: Found[] = [];
  for (const sentence of text.sentences) {
    const tokenForms = sentence.tokens.map(forms);
    for (let i = 0; i < sentence.tokens.length; i++) {
      const seen = new Set<Pattern>();
      // Phrases may start with a number ("92% full") or with any word ("gerrit back").
      const keys = [...tokenForms[i]!, ...(NUMBER.test(sentence.tokens[i]!.word) ? ['#'] : []), '*'];
      for (const form of keys) {
        for (const pattern of byFirst.get(form) ?? []) {
          if (seen.has(pattern)) continue;
          seen.add(pattern);
          const n = pattern.slots.length;
          if (i + n > sentence.tokens.length) continue;
          let ok = slotMatches(pattern.slots[0]!, tokenForms[i]!);
          for (let k = 1; k < n && ok; k++) {
            const token = sentence.tokens[i + k]!;
            ok = token.clause === sentence.tokens[i]!.clause && slotMatches(pattern.slots[k]!, tokenForms[i + k]!);
          }
          if (!ok) continue;
          const first = sentence.tokens[i]!;
          found.push({
            concept: pattern.concept,
            start: first.index,
            end: first.index + n,
            sentence: first.sentence,
            clause: first.clause,
            negated: false,
            words: sentence.tokens
              .slice(i, i + n)
              .map((t) => t.word)
              .join(' '),
            selfNegating: pattern.selfNegating,
            wild: pattern.wild,
          });
        }
      }
    }
  }
  for (const token of text.tokens) {
    if (!/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/.test(token.word)) continue;
    for (const [concept, words] of CJK) {
      const hit = words.find((w) => token.word.includes(w));
      if (hit)
        found.push({
          concept,
          start: token.index,
          end: token.index + 1,
          sentence: token.sentence,
          clause: token.clause,
          negated: false,
          words: hit,
          selfNegating: false,
          wild: 0,
        });
    }
  }
  const kept = dropContained(dedupe(found)).filter((m) => !suggestion(text, m) && !phrasalBack(m));
  markNegation(text, kept);
  return kept.map(({ selfNegating: _, wild: __, ...m }) => m);
}

type Found = Mention & { selfNegating: boolean; wild: number };

const PRONOUNS = new Set(['we', 'you', 'i', 'they', 'he', 'she', 'it', 'someone', 'anyone']);

/** "push back", "call me back", "scale back": "back" after these verbs is not something coming back up. */
const BACK_VERBS = new Set([
  'push',
  'pushed',
  'call',
  'called',
  'get',
  'got',
  'go',
  'went',
  'write',
  'wrote',
  'hold',
  'held',
  'look',
  'looked',
  'step',
  'stepped',
  'fall',
  'fell',
  'bring',
  'brought',
  'scale',
  'scaled',
  'dial',
  'dialed',
  'roll',
  'rolled',
  'cut',
  'set',
  'pull',
  'pulled',
  'turn',
  'turned',
  'put',
  'ping',
  'pinged',
  'reach',
  'report',
  'circle',
  'send',
  'sent',
  'give',
  'gave',
  'pay',
  'paid',
  'trace',
  'traced',
  'fight',
  'hit',
  'me',
  'us',
  'them',
  'him',
  'her',
  'way',
  'far',
  'date',
  'dates',
  'going',
  'coming',
  'and',
  'or',
]);

function phrasalBack(m: Found): boolean {
  if (m.concept !== 'recoveredWeak' || m.wild === 0) return false;
  const [first, last] = [m.words.split(' ')[0] ?? '', m.words.split(' ').at(-1)];
  return last === 'back' && BACK_VERBS.has(first);
}

/** "Can't we just review them yearly?" proposes; it reports no failure. */
function suggestion(text: Tokenized, m: Found): boolean {
  if (m.concept !== 'outage' || !/^(?:can not|cannot|could not|will not)$/.test(m.words)) return false;
  const sentence = text.sentences[m.sentence];
  const next = text.tokens[m.end];
  return sentence?.question === true && next !== undefined && next.sentence === m.sentence && PRONOUNS.has(next.word);
}

function dedupe(mentions: Found[]): Found[] {
  const key = (m: Found): string => `${m.concept}:${m.start}:${m.end}`;
  const seen = new Map<string, Found>();
  for (const m of mentions) if (!seen.has(key(m))) seen.set(key(m), m);
  return [...seen.values()];
}

function dropContained(mentions: Found[]): Found[] {
  const inside = (o: Found, m: Found): boolean =>
    o !== m && o.start <= m.start && o.end >= m.end && o.end - o.start > m.end - m.start;
  return mentions.filter((m) => {
    // "no customer impact" says nothing about customers being hit: the internal phrase owns its words.
    if (ENTITIES.has(m.concept))
      return !mentions.some((o) => o.concept === 'internal' && o !== m && o.start <= m.start && o.end >= m.end);
    // An event word inside a longer phrase ("back" in "rolled back", "reset" in "password reset") is that phrase's.
    // Over the very same words, the more specific phrase wins ("roll back" over "* back").
    return !mentions.some(
      (o) =>
        inside(o, m) ||
        (o !== m && !ENTITIES.has(o.concept) && o.start === m.start && o.end === m.end && o.wild < m.wild),
    );
  });
}

/**
 * A negator ("not", "no", "never", "without", "n't") negates what follows it in its clause, up to a
 * scope breaker ("but", "and"). "errors: none" negates what comes before. A phrase that carries its
 * own negation ("not loading", "nobody can") is not flipped by it.
 */
function markNegation(text: Tokenized, mentions: Found[]): void {
  for (const sentence of text.sentences) {
    const tokens = sentence.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (!NEGATORS.has(t.word)) continue;
      // "can't we just…?", "why don't we…?": a suggestion asked as a question, not a negation.
      if (sentence.question && PRONOUNS.has(tokens[i + 1]?.word ?? '')) continue;
      // "no longer", "not anymore": a recovery, read by the recovered concept, not a negation of it.
      if (t.word === 'no' && tokens[i + 1]?.word === 'longer') continue;
      // "no signal + touch id dead": a negator a phrase has taken for itself negates nothing else.
      if (
        t.word === 'no' &&
        mentions.some(
          (m) =>
            m.concept === 'outage' &&
            m.selfNegating &&
            m.start === t.index &&
            m.end > t.index + 1 &&
            // "no data loss": a longer phrase over the same words is what the "no" negates.
            !mentions.some((o) => o !== m && o.start > m.start && o.start < m.end && o.end > m.end),
        )
      )
        continue;
      let end = i + 1;
      while (end < tokens.length && tokens[end]!.clause === t.clause && !SCOPE_BREAKERS.has(tokens[end]!.word)) end++;
      const from = t.index + 1;
      const to = tokens[end - 1]!.index + 1;
      // "zero errors" and "0 failures" negate the word right after; a bare "0" elsewhere is a number.
      const reach = t.word === '0' || t.word === 'zero' ? from + 1 : to;
      for (const m of mentions) {
        if (m.start >= from && m.start < reach && !(m.selfNegating && m.start <= t.index)) m.negated = true;
        if (m.selfNegating && m.start <= t.index && m.end > t.index) m.negated = false;
      }
      // "errors: none", "security — nope": the negator closes a clause that names the thing.
      if (
        end === i + 1 &&
        i > 0 &&
        (t.word === 'none' || t.word === 'nope' || t.word === 'no' || t.word === 'nothing')
      ) {
        const clauseStart = tokens.findIndex((x) => x.clause === tokens[i - 1]!.clause);
        const before = tokens[i - 1]!;
        if (before.clause !== t.clause || i === tokens.length - 1)
          for (const m of mentions)
            if (m.start >= tokens[clauseStart]!.index && m.end <= t.index && !m.selfNegating) m.negated = true;
      }
    }
  }
}

/** Mentions of any of the concepts, not negated. */
export function affirmed(mentions: readonly Mention[], ...concepts: Concept[]): Mention[] {
  return mentions.filter((m) => !m.negated && concepts.includes(m.concept));
}

/** Mentions of any of the concepts that a negation reaches. */
export function denied(mentions: readonly Mention[], ...concepts: Concept[]): Mention[] {
  return mentions.filter((m) => m.negated && concepts.includes(m.concept));
}

/** Every word the lexicon knows (for the name reader: a lexicon word is not a name). */
export function vocabulary(): ReadonlySet<string> {
  return lexicon().vocabulary;
}
