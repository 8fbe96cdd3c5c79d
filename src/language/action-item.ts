import { personAt, type KnownPeople } from './people.js';
import type { Mention } from './scan.js';
import { dueDate, type Due } from './time.js';
import type { Token, Tokenized } from './tokens.js';

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
  /^(?:it|this|that|one|the same|same|that one|this one|them|those|these|both|all|ok|okay|sure|yes|please|pls)$/i;
const PREFIX =
  /^\s*(?:(?:new |another |one more |an? )?(?:action items?|ais?|follow[- ]?ups?|to-?dos?|tasks?|tickets?|remediation(?: items?)?|corrective actions?)\s*(?:#?\d+)?\s*[:\-–—]\s*|(?:please |pls |can (?:you|we) |let'?s |we should |we need to |i want to |need to )?(?:add|create|file|open|log|record|track|make|raise|write up|capture|note)\s+(?:an?\s+|another\s+|the\s+)?(?:action items?|ais?|follow[- ]?ups?|to-?dos?|tasks?|tickets?|jira(?: ticket)?|item)\s*(?:to|for|:|-|about|on|that)?\s*)/i;

function tokenFor(text: Tokenized, raw: string): Token | undefined {
  const word = raw.toLowerCase().replace(/^@/, '');
  return text.tokens.find((t) => t.word === word || t.text.toLowerCase().replace(/^@/, '') === word);
}

function ownerOf(source: string, text: Tokenized, people: KnownPeople): { owner: string; phrase: string } | null {
  const NAME = String.raw`(@?[\p{L}][\p{L}.'-]{1,30})`;
  const patterns = [
    new RegExp(String.raw`\bowner\s*(?:is|:|=|-|–)?\s*${NAME}`, 'iu'),
    new RegExp(String.raw`\bowned by\s+${NAME}`, 'iu'),
    new RegExp(String.raw`\bassign(?:ed|ing)?\s+(?:it\s+|this\s+|that\s+)?to\s+${NAME}`, 'iu'),
    new RegExp(String.raw`\b(?:give|hand)\s+(?:it|this|that)\s+to\s+${NAME}`, 'iu'),
    new RegExp(
      String.raw`(?:^|[,;:]\s*)${NAME}\s+(?:owns|takes|will take|can take|'ll take|has)\s+(?:it|this|that)\b`,
      'iu',
    ),
    new RegExp(
      String.raw`(?:^|[,;:(]\s*|\bai\s*[:\-]\s*)${NAME}\s+(?:to|will|can|should|'ll|is going to|is gonna|agreed to|volunteered to)\s+\p{L}`,
      'iu',
    ),
    new RegExp(String.raw`\bfor\s+${NAME}\s*(?:,|$|\bby\b|\bdue\b)`, 'iu'),
    /(@[\w.-]{2,30})/u,
  ];
  for (const [i, pattern] of patterns.entries()) {
    const m = pattern.exec(source);
    if (!m) continue;
    const raw = m[1]!;
    const token = tokenFor(text, raw);
    const strict = i >= 5;
    const owner = raw.startsWith('@')
      ? raw.slice(1)
      : token
        ? personAt(
            token,
            people,
            strict && !/^(?:to|will|'ll)/i.test(source.slice(m.index + m[0].length - raw.length - 1)),
          )
        : null;
    if (
      owner &&
      owner !== 'me' &&
      !/^(?:tbd|tba|someone|somebody|anyone|nobody|team|us|we|you|they|me|i)$/i.test(owner)
    )
      return { owner, phrase: m[0]! };
    if (owner === 'me' && people.sender) return { owner: people.sender, phrase: m[0]! };
  }
  return null;
}

function titleOf(source: string, owner: { phrase: string } | null, due: Due | null): string {
  let t = source.replace(PREFIX, '');
  if (owner) {
    const ownerPhrase = owner.phrase.replace(/^[,;:(]\s*/, '');
    // "tom to add an alert": drop "tom to", keep the verb.
    t = t.replace(ownerPhrase, (p) =>
      /\b(?:to|will|can|should|'ll|going to|gonna|agreed to|volunteered to)\s+\p{L}$/iu.test(p) ? p.slice(-1) : ' ',
    );
  }
  if (due?.phrase)
    t = t.replace(
      new RegExp(String.raw`\b(?:due|by|before|until|for|within|in|on)?\s*${escapeRegex(due.phrase)}`, 'i'),
      ' ',
    );
  t = t
    .replace(/\b(?:due|deadline|eta)\s*[:=]?\s*$/i, '')
    .replace(/\b(?:owner|owned by|assign(?:ed)? to)\s*[:=]?\s*$/i, '')
    .replace(/\(\s*\)/g, '')
    .replace(/\s*[,;:\-–—]\s*(?=[,;:\-–—]|$)/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:\-–—.]+|[\s,;:\-–—.]+$/g, '')
    .trim();
  return FILLER.test(t) ? '' : t;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Action items a message gives: one per bullet line, or the message itself. Owner and due date are
 * read, never invented; a date that cannot be read is `unreadable`, so the commander asks.
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
  const ownerWord = mentions.some((m) => m.concept === 'owner' && !m.negated);
  const due = dueDate(lower, now);
  const raw = text.text;
  const lines = raw
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(?:[-*•]|\d+[.)])\s+/.test(l))
    .map((l) => l.replace(/^(?:[-*•]|\d+[.)])\s+/, ''));
  const sources = lines.length >= 2 && keyword ? lines : [raw.replace(/\s*\n\s*/g, ' ')];
  const items = sources.map((source) => {
    const itemDue = dueDate(source.toLowerCase(), now);
    const owner = ownerOf(source, text, people);
    return { title: titleOf(source, owner, itemDue), owner: owner?.owner ?? null, due: itemDue };
  });
  const one = items[0]!;
  // "tom to add queue-depth alerting by next friday": a person, a task and a date is an action item even unnamed.
  const implied = !keyword && one.owner !== null && one.due !== null && one.title.split(/\s+/).length >= 2;
  const followUp =
    !keyword &&
    items.length === 1 &&
    one.title === '' &&
    (one.owner !== null || one.due !== null) &&
    (ownerWord || /\bdue\b/.test(lower) || due !== null);
  if (!keyword && !implied && !followUp) return null;
  return { items, followUpOnly: items.every((i) => i.title === '') };
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
