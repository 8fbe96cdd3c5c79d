import { personAt, type KnownPeople } from './people.js';
import type { Mention } from './scan.js';
import { dueDate, type Due } from './time.js';
import { type Token, type Tokenized, tokenize } from './tokens.js';

export interface ActionItemDraft {
  /** What is to be done, in the writer's words, without the owner and date phrases. Empty when the message gave none. */
  title: string;
  owner: string | null;
  due: Due | null;
}

export interface ActionItemReading {
  items: ActionItemDraft[];
  /** The message only supplies an owner or a date ("owner Tom, due in 2 weeks"): it completes an item asked about before. */
  followUpOnly: boolean;
}

const FILLER =
  /^(?:it|this|that|one|the same|same|that one|this one|them|those|these|both|all|ok|okay|sure|yes|please|pls|also|and)$/i;
/** "action item:", "AI 2 -", "2nd:", "next one:", "add a follow-up to…": the lead-in, not the task. */
const PREFIX =
  /^\s*(?:(?:first|second|third|fourth|fifth|last|next|another|one more|new|1st|2nd|3rd|\d+(?:st|nd|rd|th)?|#\d+)\s*(?:one|item)?\s*[:.)\-–—]\s*)?(?:also\s+)?(?:(?:new |another |one more |an? |first |second |third |next |last )?(?:action items?|ais?|follow[- ]?ups?|to-?dos?|tasks?|tickets?|remediation(?: items?)?|corrective actions?)\s*(?:#?\d+)?\s*[:\-–—]\s*|(?:please |pls |can (?:you|we) |let'?s |we should |we need to |i want to |need to )?(?:add|create|file|open|log|record|track|make|raise|write up|capture|note)\s+(?:an?\s+|another\s+|the\s+)?(?:action items?|ais?|follow[- ]?ups?|to-?dos?|tasks?|tickets?|jira(?: ticket)?|item)\s*(?:to|for|:|-|about|on|that)?\s*)?/i;

const NAME = String.raw`(@?[\p{L}][\p{L}.'-]{1,30})`;
/** Who owns it, in the forms people write; each pattern captures the name, and `task` says where the task is. */
const OWNER_PATTERNS: { re: RegExp; task: 'before' | 'after' | 'rest'; strict: boolean }[] = [
  { re: new RegExp(String.raw`\bowner\s*(?:is|:|=|-|–)?\s*${NAME}`, 'iu'), task: 'rest', strict: false },
  { re: new RegExp(String.raw`\bowned by\s+${NAME}`, 'iu'), task: 'rest', strict: false },
  {
    re: new RegExp(String.raw`\bassign(?:ed|ing)?\s+(?:it\s+|this\s+|that\s+)?to\s+${NAME}`, 'iu'),
    task: 'rest',
    strict: false,
  },
  { re: new RegExp(String.raw`\b(?:give|hand)\s+(?:it|this|that)\s+to\s+${NAME}`, 'iu'), task: 'rest', strict: false },
  // "dana owns it", "priya will take that": the task was said before.
  {
    re: new RegExp(
      String.raw`(?:^|[,;:.(]\s*|\s)${NAME}\s+(?:owns|takes|has|gets|will own|will take|can take|'ll take|'ll own|is taking|is owning)\s+(?:it|this|that|that one|this one)\b`,
      'iu',
    ),
    task: 'rest',
    strict: false,
  },
  // "marcus owns a cpu-time budget test", "kenji takes the capacity review", "i'll own the cell work".
  {
    re: new RegExp(
      String.raw`(?:^|[,;:.(]\s*|\bai\s*[:\-]\s*)${NAME}\s+(?:owns|own|takes|take|will own|will take|can take|'ll take|'ll own|is taking|takes on|picks up|is on|gets)\s+(?:the\s+|a\s+|an\s+)?`,
      'iu',
    ),
    task: 'after',
    strict: false,
  },
  // "tom to add an alert", "ana will write the runbook".
  {
    re: new RegExp(
      String.raw`(?:^|[,;:.(]\s*|\bai\s*[:\-]\s*)${NAME}\s+(?:to|will|can|should|'ll|is going to|is gonna|agreed to|volunteered to)\s+(?=\p{L})`,
      'iu',
    ),
    task: 'after',
    strict: false,
  },
  { re: new RegExp(String.raw`\bfor\s+${NAME}\s*(?:,|$|\bby\b|\bdue\b)`, 'iu'), task: 'rest', strict: true },
  // "encrypt the tokens, hamid, eod tomorrow": a name standing alone between commas.
  { re: new RegExp(String.raw`[,;–—-]\s*${NAME}\s*(?:[,;–—-]|$)`, 'iu'), task: 'rest', strict: false },
  { re: /(@[\w.-]{2,30})/u, task: 'rest', strict: false },
];
const NOBODY = /^(?:tbd|tba|someone|somebody|anyone|nobody|team|us|we|you|they|it|this|that|who|whoever|owner)$/i;

function tokenFor(text: Tokenized, raw: string): Token | undefined {
  const word = raw.toLowerCase().replace(/^@/, '');
  return text.tokens.find((t) => t.word === word || t.text.toLowerCase().replace(/^@/, '') === word);
}

function ownerOf(
  source: string,
  people: KnownPeople,
): { owner: string; phrase: string; task: 'before' | 'after' | 'rest'; index: number } | null {
  const text = tokenize(source);
  for (const p of OWNER_PATTERNS) {
    const m = p.re.exec(source);
    if (!m) continue;
    const raw = m[1]!;
    const token = tokenFor(text, raw);
    const person = raw.startsWith('@')
      ? raw.slice(1)
      : token
        ? personAt(token, people, p.strict && !/^(?:i|me)$/i.test(raw))
        : null;
    if (!person || NOBODY.test(person)) continue;
    const owner = person === 'me' ? (people.sender ?? null) : person;
    if (!owner) continue;
    // Cut from the name on: a lead-in such as "AI:" before it stays for the prefix to remove.
    const at = m[0]!.indexOf(raw);
    return { owner, phrase: m[0]!.slice(at), task: p.task, index: m.index + at };
  }
  return null;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function titleOf(source: string, owner: ReturnType<typeof ownerOf>, due: Due | null): string {
  let t = source;
  if (owner) {
    if (owner.task === 'after') t = `${t.slice(0, owner.index)} ${t.slice(owner.index + owner.phrase.length)}`;
    else t = t.replace(owner.phrase, ' ');
  }
  if (due?.phrase)
    t = t.replace(
      new RegExp(String.raw`\b(?:due|by|before|until|for|within|in|on)?\s*${escapeRegex(due.phrase)}`, 'i'),
      ' ',
    );
  t = t.replace(PREFIX, '');
  t = t
    .replace(/\b(?:due|deadline|eta)\s*[:=]?\s*(?=[,;.]|$)/gi, '')
    .replace(/\b(?:owner|owned by|assign(?:ed)? to)\s*[:=]?\s*(?=[,;.]|$)/gi, '')
    .replace(/\(\s*\)/g, '')
    .replace(/\s*[,;:\-–—]\s*(?=[,;:\-–—]|$)/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:\-–—.]+|[\s,;:\-–—.?!]+$/g, '')
    .trim();
  return FILLER.test(t) || t.split(/\s+/).length < 2
    ? t.split(/\s+/).length === 1 && !FILLER.test(t) && t.length > 5
      ? t
      : ''
    : t;
}

/** A bare duration ("3 weeks", "2w") at the end of an item is its due date. */
function bareDue(source: string, now: Date): Due | null {
  const m = /(?:^|[,;–—-]\s*)((\d{1,2}|a|one|two|three|four|six|eight)\s*(d|days?|w|wks?|weeks?))\s*\.?$/i.exec(
    source.trim(),
  );
  if (!m) return null;
  const due = dueDate(`in ${m[2]} ${m[3]}`, now);
  return due?.kind === 'date' ? { ...due, phrase: m[1]! } : due;
}

/**
 * Action items a message gives: one per bullet line or sentence, or the message itself. Owner and
 * due date are read, never invented; a date that cannot be read is `unreadable`, so the commander asks.
 */
export function readActionItem(
  text: Tokenized,
  mentions: readonly Mention[],
  lower: string,
  now: Date,
  people: KnownPeople,
): ActionItemReading | null {
  const keyword =
    mentions.some((m) => m.concept === 'actionItem' && !m.negated) ||
    (mentions.some((m) => m.concept === 'actionItemWeak' && !m.negated) &&
      /\b(?:add|create|file|open|raise|track|log|make|write|need|want)\b|\bowner\b|\bdue\b/.test(lower));
  const raw = text.text;
  const lines = raw
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(?:[-*•]|\d+[.)])\s+/.test(l))
    .map((l) => l.replace(/^(?:[-*•]|\d+[.)])\s+/, ''));
  const sentences = text.sentences.map((s) => s.text);
  const sources = lines.length >= 2 ? lines : sentences.length > 1 ? sentences : [raw.replace(/\s*\n\s*/g, ' ')];
  const read = (source: string): ActionItemDraft => {
    const due = dueDate(source.toLowerCase(), now) ?? bareDue(source, now);
    const owner = ownerOf(source, people);
    return { title: titleOf(source, owner, due), owner: owner?.owner ?? null, due };
  };
  let items = sources.map(read).filter((i) => i.title || i.owner || i.due);
  // Several sentences that make one item ("add canary deploys. owner priya, friday"): read them as one.
  if (items.length > 1 && items.some((i) => !i.title)) items = [read(raw.replace(/\s*\n\s*/g, ' '))];
  if (!items.length) items = [read(raw)];
  const one = items[0]!;
  // "tom to add queue-depth alerting by next friday": a person, a task and a date is an action item, named or not.
  const implied = !keyword && items.some((i) => i.owner !== null && i.due !== null && i.title.split(/\s+/).length >= 2);
  const followUp =
    !keyword &&
    items.length === 1 &&
    one.title === '' &&
    (one.owner !== null || one.due !== null) &&
    (mentions.some((m) => m.concept === 'owner' && !m.negated) || /\bdue\b/.test(lower) || one.due !== null);
  if (!keyword && !implied && !followUp) return null;
  const kept = keyword || followUp ? items : items.filter((i) => i.owner !== null && i.due !== null);
  return { items: kept, followUpOnly: kept.every((i) => i.title === '') };
}

const DETECT =
  /\b(?:alert\w*|monitor\w*|dashboards?|slos?|slis?|probes?|synthetic\w*|tests?|testing|canar\w*|detect\w*|pag(?:e|ing)|metrics?|observability|logging|tracing|health ?checks?)\b/;
const PROCESS =
  /\b(?:runbooks?|playbooks?|training|process|on-?call|reviews?|checklists?|document\w*|docs|game ?days?|drills?|post-?mortems?|comms|communication|escalation|ownership|onboarding)\b/;
const MITIGATE =
  /\b(?:roll ?backs?|rollbacks?|feature flags?|circuit breakers?|rate limit\w*|fail ?overs?|fallbacks?|timeouts?|retr(?:y|ies)|bulkheads?|degrad\w*|kill ?switch\w*|load shed\w*|backups?|restore)\b/;

/** What kind of follow-up an action item is: detect (alerts, tests), process (runbooks, training), mitigate, or prevent. */
export function actionKind(title: string): 'prevent' | 'detect' | 'mitigate' | 'process' {
  const t = title.toLowerCase();
  if (DETECT.test(t)) return 'detect';
  if (PROCESS.test(t)) return 'process';
  if (MITIGATE.test(t)) return 'mitigate';
  return 'prevent';
}

/** P1 when the words say now ("urgent", "asap", "p1"), P3 when they say it can wait, else P2. */
export function actionPriority(text: string): 'P1' | 'P2' | 'P3' {
  const t = text.toLowerCase();
  if (/\b(?:p1|urgent|asap|critical|immediately|right away|today)\b/.test(t)) return 'P1';
  if (/\b(?:p3|p4|low priority|nice to have|when possible|eventually)\b/.test(t)) return 'P3';
  return 'P2';
}
