import { COMMON_WORDS } from './lexicon.js';
import { personAt, type KnownPeople } from './people.js';
import { scan, type Mention } from './scan.js';
import { joinTokens, tokenize, type Sentence, type Token, type Tokenized } from './tokens.js';

export type BlameReason = 'person_as_cause' | 'human_error' | 'hindsight' | 'fault';

export interface BlameFindingText {
  sentence: string;
  reason: BlameReason;
  phrase: string;
}

export interface BlameReading {
  /** The message asks who is to blame ("whose fault is it?", "who pushed that?"). */
  asks: boolean;
  findings: BlameFindingText[];
}

/** Verbs that make their subject the cause of what broke. */
const CAUSAL = new Set([
  'push',
  'pushed',
  'deploy',
  'deployed',
  'break',
  'broke',
  'cause',
  'caused',
  'forget',
  'forgot',
  'miss',
  'missed',
  'ignore',
  'ignored',
  'skip',
  'skipped',
  'run',
  'ran',
  'delete',
  'deleted',
  'drop',
  'dropped',
  'merge',
  'merged',
  'misconfigure',
  'misconfigured',
  'mistype',
  'mistyped',
  'typo',
  'typoed',
  'overwrite',
  'overwrote',
  'disable',
  'disabled',
  'remove',
  'removed',
  'approve',
  'approved',
  'introduce',
  'introduced',
  'ship',
  'shipped',
  'wipe',
  'wiped',
  'kill',
  'killed',
  'take',
  'took',
  'nuke',
  'nuked',
  'fat-finger',
  'fat-fingered',
  'screw',
  'screwed',
  'mess',
  'messed',
  'botch',
  'botched',
  'bork',
  'borked',
  'hose',
  'hosed',
  'trash',
  'trashed',
  'fail',
  'failed',
  'neglect',
  'neglected',
  'rush',
  'rushed',
  'yolo',
  'yoloed',
  'change',
  'changed',
  'edit',
  'edited',
  'rebase',
  'rebased',
  'restart',
  'restarted',
  'reboot',
  'rebooted',
  'truncate',
  'truncated',
]);
/** Words that tie a person to a thing that broke: "Dave's change", "Priya's PR took prod down". */
const ARTIFACTS = new Set([
  'change',
  'deploy',
  'deployment',
  'pr',
  'commit',
  'push',
  'config',
  'script',
  'migration',
  'typo',
  'mistake',
  'query',
  'command',
  'release',
  'merge',
  'patch',
  'fix',
  'code',
  'update',
  'edit',
  'screwup',
  'screw-up',
  'error',
  'bug',
  'oversight',
  'rollout',
]);
/** Roles people are blamed by ("the intern dropped the table"). */
const ROLE_NOUNS = new Set([
  'intern',
  'junior',
  'new guy',
  'new hire',
  'contractor',
  'dev',
  'developer',
  'engineer',
  'admin',
  'dba',
  'guy',
  'girl',
  'someone',
  'somebody',
]);

const HINDSIGHT =
  /\b(?:should(?:'ve| have)|shouldn'?t have|could(?:'ve| have) (?:prevented|caught|avoided|stopped|known)|if only (?:\w+ )?had|ought to have)\b/i;
const HUMAN_ERROR = /\b(?:human|operator|user|pilot|engineer|admin) error\b/i;
const FAULT =
  /\b(?:(?:his|her|their|[\p{L}]+'s) fault|at fault|to blame|is on (?:him|her|them)|fault (?:is|lies|was) (?:with|on)|careless(?:ly|ness)?|negligen\w*|incompeten\w*|sloppy|lazy|stupid|idiot\w*|moron\w*|clueless|reckless\w*)\b/iu;
const NOT_BLAME =
  /\b(?:no(?:t|body|one)?(?: one)?(?:'s| is| was)? (?:to blame|at fault|blaming|blame)|not (?:anyone'?s|someone'?s|a person'?s|his|her|their|\w+'s) fault|nobody'?s fault|no blame|blameless|not blaming|without blame)\b/i;

/** Quoted text is a mention, not a claim: a reply may say not to write "Dave pushed a bad config". */
export function withoutQuotes(text: string): string {
  return text.replace(/"[^"\n]{0,300}"|“[^”\n]{0,300}”|'[^'\n]{3,300}'(?!\w)/g, ' ');
}

function isPersonSubject(token: Token | undefined, people: KnownPeople): string | null {
  if (!token) return null;
  if (ROLE_NOUNS.has(token.word)) return token.word;
  if (COMMON_WORDS.has(token.word) && !token.capitalized) return null;
  const person = personAt(token, people, !token.capitalized);
  return person && person !== 'me' ? person : null;
}

function sentenceFindings(sentence: Sentence, mentions: readonly Mention[], people: KnownPeople): BlameFindingText[] {
  const out: BlameFindingText[] = [];
  const text = sentence.text;
  if (NOT_BLAME.test(text)) return out;
  const add = (reason: BlameReason, phrase: string): void => {
    if (!out.some((f) => f.reason === reason)) out.push({ sentence: text, reason, phrase });
  };
  const tokens = sentence.tokens;
  const bad = mentions.some(
    (m) =>
      m.sentence === tokens[0]!.sentence &&
      ['outage', 'errors', 'slow', 'dataLoss', 'blame', 'security'].includes(m.concept),
  );
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // "Dave pushed a bad config", "the intern dropped the table", "priya's PR took prod down".
    const who =
      isPersonSubject(t, people) ??
      (t.word === 'the' || t.word === 'a' || t.word === 'our'
        ? ROLE_NOUNS.has(tokens[i + 1]?.word ?? '')
          ? tokens[i + 1]!.word
          : null
        : null);
    if (!who) continue;
    const offset =
      ROLE_NOUNS.has(tokens[i + 1]?.word ?? '') && (t.word === 'the' || t.word === 'a' || t.word === 'our') ? 2 : 1;
    let j = i + offset;
    if (tokens[j]?.word === 'is' && t.apostropheS) j++;
    // "Dave's change", "Dave's bad deploy"
    if (t.apostropheS || tokens[j]?.word === "'s") {
      const artifact = tokens.slice(j, j + 3).find((x) => ARTIFACTS.has(x.word));
      if (artifact && (bad || CAUSAL.has(tokens[tokens.indexOf(artifact) + 1]?.word ?? ''))) {
        add('person_as_cause', joinTokens(tokens.slice(i, tokens.indexOf(artifact) + 2)));
        continue;
      }
    }
    while (
      tokens[j] &&
      /^(?:just|accidentally|apparently|again|also|then|obviously|clearly|totally|basically|literally|somehow|had|has|have|did|went|and)$/.test(
        tokens[j]!.word,
      )
    )
      j++;
    const verb = tokens[j];
    if (verb && (CAUSAL.has(verb.word) || (verb.word === 'not' && CAUSAL.has(tokens[j + 1]?.word ?? '')))) {
      // "Dave restarted the pods and errors dropped" is an action, not a cause: it needs a bad outcome or a fault word.
      const neutral =
        /^(?:restart|restarted|reboot|rebooted|change|changed|edit|edited|remove|removed|disable|disabled|run|ran|take|took|kill|killed|deploy|deployed|push|pushed|merge|merged|ship|shipped)$/.test(
          verb.word,
        );
      if (!neutral || bad || /\b(?:bad|wrong|broken|faulty|buggy|untested|without)\b/i.test(text))
        add('person_as_cause', joinTokens(tokens.slice(i, j + 1)));
    }
    // "the outage is on Dave", "thanks to Dave", "because of Dave".
  }
  const lower = text.toLowerCase();
  const on =
    /\b(?:is|was|'s) (?:all )?on ([\p{L}][\p{L}'.-]{1,30})\b|\b(?:thanks to|because of|blame|blaming) ([\p{L}][\p{L}'.-]{1,30})\b/iu.exec(
      text,
    );
  if (on) {
    const name = on[1] ?? on[2]!;
    const token = tokens.find((x) => x.text.replace(/['’]s$/i, '').toLowerCase() === name.toLowerCase());
    const person = token ? isPersonSubject(token, people) : null;
    if (
      person &&
      (bad || /\b(?:outage|incident|this|it|that)\b/.test(lower)) &&
      !/^(?:it|this|that|call|pager|top|fire|track)$/i.test(name)
    )
      add('person_as_cause', on[0]!);
  }
  const human = HUMAN_ERROR.exec(text);
  if (human) add('human_error', human[0]!);
  const hindsight = HINDSIGHT.exec(text);
  if (hindsight && !/\bshould have (?:been|had|a|an|the)\b/i.test(text.slice(hindsight.index, hindsight.index + 30)))
    add('hindsight', hindsight[0]!);
  const fault = FAULT.exec(text);
  if (fault) add('fault', fault[0]!);
  return out;
}

/** Blame in a text the language layer has already read. */
export function readBlame(text: Tokenized, mentions: readonly Mention[], people: KnownPeople): BlameReading {
  const findings = text.sentences.flatMap((s) => sentenceFindings(s, mentions, people));
  const asks = text.sentences.some((s) => {
    if (!s.question) return false;
    const w = s.tokens.map((t) => t.word);
    return (
      (w.includes('who') || w.includes('whose')) &&
      w.some(
        (x, i) =>
          CAUSAL.has(x) ||
          x === 'fault' ||
          x === 'blame' ||
          x === 'responsible' ||
          (x === 'did' && (w[i + 1] === 'this' || w[i + 1] === 'that' || w[i + 1] === 'it')),
      )
    );
  });
  return {
    asks:
      asks ||
      mentions.some(
        (m) =>
          m.concept === 'blame' &&
          /fault|blame/.test(m.words) &&
          !m.negated &&
          text.sentences[m.sentence]?.question === true,
      ),
    findings,
  };
}

const ON_PERSON = /\b(?:is|was|'s) (?:all )?on [\p{L}]|\b(?:thanks to|because of|blame|blaming) [\p{L}]/iu;

/**
 * Whether a text has any word a finding needs (a causal verb, a person's artifact, a fault or hindsight
 * phrase). A long timeline is mostly entries with none of them, and those need no reading at all.
 */
function mayBlame(text: string): boolean {
  if (ON_PERSON.test(text) || HUMAN_ERROR.test(text) || HINDSIGHT.test(text) || FAULT.test(text)) return true;
  const words = text.toLowerCase().split(/[^\p{L}\p{N}'’-]+/u);
  // An artifact blames only as someone's: "Dave's change".
  const possessive = /\p{L}['’]s\b/u.test(text);
  return words.some((w) => {
    const bare = w.replace(/['’]s$/, '');
    return CAUSAL.has(bare) || (possessive && ARTIFACTS.has(bare));
  });
}

/** Blame findings in free text (post-mortem drafts, timeline entries, replies). Quoted text is skipped. */
export function blameIn(text: string, people: KnownPeople = {}): BlameFindingText[] {
  // A line break ends a sentence, so each line can be read alone, and most lines need no reading.
  return withoutQuotes(text)
    .split('\n')
    .filter(mayBlame)
    .flatMap((line) => {
      const tokens = tokenize(line);
      return readBlame(tokens, scan(tokens), people).findings;
    });
}

/**
 * The text without the clauses that blame a person: "Dave pushed a bad config and now login is
 * down" → "login is down". What is left reports what happened, not who did it.
 */
export function withoutBlame(text: string, people: KnownPeople = {}): string {
  if (!blameIn(text, people).length) return text;
  const tokens = tokenize(text);
  const kept: string[] = [];
  for (const sentence of tokens.sentences) {
    if (!blameIn(sentence.text, people).length) {
      kept.push(sentence.text);
      continue;
    }
    // Within a blaming sentence, keep the clauses that stand on their own without blame.
    const parts = sentence.clauses
      .map((c) => c.text)
      .flatMap((c) => c.split(/\s+(?=and now\b|so now\b|and then\b|which means\b)/));
    const clean = parts
      .map((p) => p.replace(/^(?:and now|so now|and then|which means|and|so|now)\s+/i, ''))
      .filter((p) => p.split(/\s+/).length >= 2 && !blameIn(p, people).length);
    if (clean.length) kept.push(clean.join(', '));
  }
  return kept.join(' ').replace(/\s+/g, ' ').trim();
}
