import nlp from 'compromise/one';
import { CONTROL_ALL } from '../core/control.js';

/** One word as the readers see it: what was typed, and the forms the lexicon is matched on. */
export interface Token {
  /** As typed (empty for the second half of an expanded contraction). */
  text: string;
  /** Lowercase, accents and possessive "'s" removed, contractions expanded ("didn't" → "did", "not"). */
  word: string;
  /** Punctuation and spaces before and after the word, as typed. */
  pre: string;
  post: string;
  /** Typed with a capital first letter (a hint for names; many people type all lowercase). */
  capitalized: boolean;
  /** Typed as "<word>'s": a possessive, or "is" ("Ana's running comms"). */
  apostropheS: boolean;
  /** Position in the message: sentence, clause within it, and token index over the whole message. */
  sentence: number;
  clause: number;
  index: number;
}

/** A stretch of a sentence between clause breaks: where negation, tense and modality apply. */
export interface Clause {
  tokens: Token[];
  sentence: number;
  /** The clause's own words, as typed. */
  text: string;
}

export interface Sentence {
  tokens: Token[];
  clauses: Clause[];
  text: string;
  /** Ends with a question mark, or opens the way a question does. */
  question: boolean;
}

export interface Tokenized {
  sentences: Sentence[];
  tokens: Token[];
  /** The text that was read: control characters removed, long pastes cut to the reading bound. */
  text: string;
  /** The input was longer than the reading bound. */
  truncated: boolean;
}

/** Messages longer than this are read from their first part only: a 100 kB paste of logs is mostly logs. */
export const READ_LIMIT = 6000;

/** compromise's term, with the fields its types leave out. */
interface RawTerm {
  text?: string;
  pre?: string;
  post?: string;
  normal?: string;
  machine?: string;
  implicit?: string;
}

const STATUS_CODE = /^[1-5](?:\d\d|xx|\dx)s?$/i;

/** Clause breaks inside a sentence: punctuation between words, and contrast words. */
const BREAK_PUNCTUATION = /[,;:()[\]{}|]|\s[-–—]+\s|\s*->\s*|=>/;
const CONTRAST = new Set(['but', 'however', 'though', 'although', 'whereas', 'except', 'while', 'because', 'instead']);
const WH = new Set(['who', 'whose', 'what', 'whats', 'when', 'where', 'why', 'how', 'which', 'hows', 'wheres']);
const AUX = new Set([
  'is',
  'are',
  'was',
  'were',
  'do',
  'does',
  'did',
  'can',
  'could',
  'should',
  'would',
  'will',
  'shall',
  'has',
  'have',
  'am',
]);
const PREDICATES = new Set([
  'down',
  'up',
  'back',
  'fine',
  'ok',
  'okay',
  'broken',
  'slow',
  'still',
  'now',
  'again',
  'also',
  'not',
  'being',
  'getting',
  'working',
  'failing',
  'erroring',
  'timing',
  'looking',
  'showing',
  'happening',
  'going',
  'on',
  'off',
  'out',
  'in',
  'at',
  'from',
  'since',
  'definitely',
  'probably',
  'fixed',
  'resolved',
  'recovering',
  'recovered',
  'stable',
  'green',
  'red',
  'done',
  'all',
  'very',
  'really',
  'totally',
  'completely',
  'mostly',
  'partially',
  'intermittently',
]);
const SUBJECTS = new Set([
  'it',
  'we',
  'you',
  'they',
  'i',
  'he',
  'she',
  'this',
  'that',
  'there',
  'anyone',
  'anybody',
  'someone',
  'somebody',
  'the',
  'our',
  'your',
  'my',
  'everyone',
]);

/** A question: a question mark, a wh-word first, or an auxiliary before its subject ("is it", "should we"). */
function isQuestion(tokens: readonly Token[], text: string): boolean {
  if (/\?/.test(tokens.at(-1)!.post) || /\?\s*$/.test(text)) return true;
  const [a, b] = [tokens[0]?.word ?? '', tokens[1]?.word ?? ''];
  if (WH.has(a)) return true;
  if (a === 'any' && (b === 'idea' || b === 'update' || b === 'news' || b === 'eta')) return true;
  if (!AUX.has(a)) return false;
  if (SUBJECTS.has(b)) return true;
  // "is checkout down" asks; "is down again" and "will deploy at 3" drop their subject and tell.
  return (a === 'is' || a === 'are' || a === 'was' || a === 'were') && b !== '' && !PREDICATES.has(b);
}

const PRONOUNS = new Set([
  'it',
  'that',
  'there',
  'what',
  'who',
  'here',
  'he',
  'she',
  'where',
  'how',
  'everything',
  'nothing',
  'everyone',
  'everybody',
  'nobody',
  'something',
  'someone',
  'this',
  'which',
  'when',
  'why',
  'thing',
  'one',
]);

/** "'s" means "is" after a pronoun, or before a predicate ("checkout's down", "Ana's running comms", "Tom's the IC"). */
function isContractedIs(word: string, n: string | undefined): boolean {
  if (PRONOUNS.has(word)) return true;
  if (n === undefined) return false;
  return (
    PREDICATES.has(n) ||
    n === 'a' ||
    n === 'an' ||
    n === 'the' ||
    n === 'our' ||
    n === 'on' ||
    n === 'in' ||
    /(?:ing|ed)$/.test(n) ||
    n === 'been' ||
    n === 'got' ||
    n === 'gone'
  );
}

const CJK_CHAR = '\\u3040-\\u30ff\\u3400-\\u9fff\\uac00-\\ud7af';
const SCRIPT_EDGE = new RegExp(`([${CJK_CHAR}])(?=[A-Za-z0-9$])|([A-Za-z0-9$])(?=[${CJK_CHAR}])`, 'g');

/**
 * Japanese and Chinese run words together and punctuate with their own marks: "送信(DDoSっぽい)、ルーター".
 * A Latin word inside CJK text becomes a word of its own, and the CJK marks end clauses and sentences.
 */
function spaceScripts(block: string): string {
  if (!new RegExp(`[${CJK_CHAR}]`).test(block)) return block;
  return block
    .replace(/[（）()「」『』【】]/g, ' ')
    .replace(/\s*[。！？]\s*/g, '. ')
    .replace(/\s*[、，；：]\s*/g, ', ')
    .replace(SCRIPT_EDGE, '$1$2 ');
}

const PRONOUN_D = /^(?:i|you|we|they|he|she|it|who|that|there|what)['’]d$/;

/** "ddos'd", "oom'd", "rm'ed": a noun used as a verb reads as the noun. */
function verbed(word: string): string {
  return PRONOUN_D.test(word) ? word : word.replace(/^([a-z0-9]{2,})['’](?:d|ed)$/, '$1');
}

/** "slowloris-ish", "ddos-y": a hedge on a word is still the word. */
function hedged(typed: string): string | null {
  const m = /^([\p{L}\d]{3,})-(?:ish|y|like)$/iu.exec(typed.replace(/[.,;:!?)"']+$/, ''));
  return m ? fold(m[1]!) : null;
}

/** Lower case without accents: how words are compared. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC') // Hangul decomposes into jamo under NFKD: put the syllables back
    .toLowerCase();
}

/** Line breaks, bullets and pasted blocks end sentences in chat, whatever the punctuation says. */
/**
 * Whether a pasted line is machine output rather than something a person wrote: log lines, stack
 * frames, JSON, shell prompts, table rows, aligned columns. Such lines are not read as words.
 */
export function isMachineLine(line: string): boolean {
  const t = line.trim();
  if (!t) return true;
  if (
    /^(?:[{}[\]"]|\$ |# |>>> |at [\w.$<>]+\(|\|.*\||[-=+|:\s]{6,}$|Caused by:|Traceback|File "|\w+Error:|\w+Exception)/.test(
      t,
    )
  )
    return true;
  if (/^\S*\d{4}-\d\d-\d\d[T ]\d\d:\d\d|^\[?\d\d:\d\d:\d\d|^[A-Z]{3} \d\d \d\d:\d\d|^\d{10,}/.test(t)) return true;
  if (/^(?:NAME|STATUS|READY|ID|PID|CONTAINER)\s{2,}/.test(t) || (t.match(/\S\s{2,}\S/g) ?? []).length >= 3)
    return true;
  const letters = (t.match(/\p{L}/gu) ?? []).length;
  return t.length > 20 && letters / t.length < 0.45;
}

/** Line breaks, bullets and pasted blocks end sentences in chat, whatever the punctuation says. */
function blocks(text: string): string[] {
  return text
    .split(/\n+|\r+/)
    .filter((line) => !isMachineLine(line))
    .map((line) => splitIdentifiers(line.replace(/^\s*(?:[-*•>]+|\d+[.)])\s+/, '').trim()))
    .filter(Boolean);
}

/** "UnauthorizedAccess:IAMUser/CredentialExfiltration" → words; links and paths are left alone. */
function splitIdentifiers(line: string): string {
  return line.replace(/\b[A-Za-z][A-Za-z0-9]*(?:[:/.][A-Za-z][A-Za-z0-9]*)*\b/g, (word) => {
    if (word.length < 12 || !/[a-z][A-Z]/.test(word) || /^(?:https?|www)/i.test(word)) return word;
    return word.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[:/.]/g, ' ');
  });
}

/**
 * Splits a message into sentences, clauses and tokens with compromise's tokenizer (sentence
 * boundaries, abbreviations, contractions, possessives, numbers with units), bounded to READ_LIMIT.
 */
export function tokenize(input: string): Tokenized {
  const cleaned = input.replace(CONTROL_ALL, ' ');
  const truncated = cleaned.length > READ_LIMIT;
  const text = truncated ? cleaned.slice(0, READ_LIMIT) : cleaned;
  const sentences: Sentence[] = [];
  const all: Token[] = [];
  for (const block of blocks(text)) {
    const doc = nlp(spaceScripts(block));
    for (const sentenceTerms of doc.document) {
      const terms: readonly RawTerm[] = sentenceTerms;
      const s = sentences.length;
      const tokens: Token[] = [];
      let clause = 0;
      let previousPost = '';
      const push = (fields: Omit<Token, 'sentence' | 'clause' | 'index'>): void => {
        const token: Token = { ...fields, sentence: s, clause, index: all.length };
        tokens.push(token);
        all.push(token);
      };
      for (let k = 0; k < terms.length; k++) {
        const t = terms[k]!;
        const typed = t.text ?? '';
        // compromise reads "5xx" as 5 + the unit "xx": HTTP status classes and "503s" stay one word.
        if (!typed && k > 0 && STATUS_CODE.test(terms[k - 1]!.text ?? '')) continue;
        const raw = STATUS_CODE.test(typed) ? typed.replace(/s$/i, '') : (t.machine ?? t.normal ?? '');
        const word = verbed(hedged(typed) ?? fold(raw))
          .replace(/['’]s$/, '')
          .replace(/^['’]+|['’]+$/g, '');
        const implicit = fold(t.implicit ?? '');
        if (!word && !implicit) continue;
        if (
          tokens.length > 0 &&
          (BREAK_PUNCTUATION.test(previousPost) || CONTRAST.has(word) || /[.!?]/.test(previousPost))
        )
          clause++;
        const apostropheS = /['’]s$/i.test(typed);
        push({
          text: typed,
          word: word || implicit,
          pre: t.pre ?? '',
          post: t.post ?? '',
          capitalized: /^\p{Lu}/u.test(typed),
          apostropheS,
        });
        previousPost = t.post ?? '';
        // "it's down", "Ana's running comms": compromise keeps "'s" as a possessive; where it means "is", say so.
        const next = terms[k + 1];
        // compromise expands some ("that's" → that + is) itself: then the "is" is already the next term.
        const expanded = next !== undefined && !next.text && Boolean(next.implicit);
        if (
          apostropheS &&
          !expanded &&
          isContractedIs(word, next ? fold(next.machine ?? next.normal ?? '') : undefined)
        )
          push({ text: '', word: 'is', pre: '', post: '', capitalized: false, apostropheS: false });
      }
      if (!tokens.length) continue;
      const clauses: Clause[] = [];
      for (const token of tokens) {
        const last = clauses.at(-1);
        if (last && last.tokens[0]!.clause === token.clause) last.tokens.push(token);
        else clauses.push({ tokens: [token], sentence: s, text: '' });
      }
      for (const c of clauses) c.text = joinTokens(c.tokens);
      const sentenceText = joinTokens(tokens);
      sentences.push({ tokens, clauses, text: sentenceText, question: isQuestion(tokens, sentenceText) });
    }
  }
  return { sentences, tokens: all, text, truncated };
}

/** The typed text of a run of tokens. */
export function joinTokens(tokens: readonly Token[]): string {
  return tokens
    .map(
      (t, i) => `${i === 0 ? '' : t.pre}${t.text}${i === tokens.length - 1 ? t.post.replace(/[^.!?]+/g, '') : t.post}`,
    )
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}
