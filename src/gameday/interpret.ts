import type { Audience } from '../core/audiences.js';
import { audiencesIn } from '../playbook/intent.js';
import { draftItems } from '../playbook/plays/follow-up.js';
import type { Severity } from '../severity/signals.js';

export type RoleField = 'incidentCommander' | 'communicationsLead' | 'technicalLead' | 'scribe';

/** One thing the team did, read from a chat message; the drill turns each into a real tool call. */
export type Move =
  | { kind: 'declare'; severity: Severity | null }
  | { kind: 'roles'; assignments: Partial<Record<RoleField, string>> }
  | { kind: 'deploys'; service: string | null }
  | { kind: 'runbook' }
  | { kind: 'hypothesis'; statement: string }
  | { kind: 'hypothesis_result'; outcome: 'confirmed' | 'ruled_out' | 'abandoned'; evidence: string }
  | { kind: 'action'; text: string }
  /** An action the team chose not to take, or not yet: "don't roll back yet". On the timeline as a decision; it applies no fix. */
  | { kind: 'decision'; text: string }
  | { kind: 'update'; audiences: Audience[]; whatChanged: string | null }
  | { kind: 'action_items'; items: ReturnType<typeof draftItems> }
  | { kind: 'mitigated'; text: string }
  | { kind: 'resolve'; text: string };

export interface Reader {
  /** Who sent the message: "I'm IC" names them. */
  speaker: string;
  team: readonly string[];
  /** Service names and aliases, lowercase, to canonical name. */
  services: ReadonlyMap<string, string>;
}

const ROLES: [RoleField, string][] = [
  ['incidentCommander', String.raw`incident commander|commander|IC`],
  ['communicationsLead', String.raw`communications lead|comms lead|communications|comms|CL`],
  ['technicalLead', String.raw`technical lead|tech lead|TL|ops lead`],
  ['scribe', String.raw`scribe|note[- ]?taker`],
];
const ROLE = ROLES.map(([, r]) => r).join('|');
const NAME = String.raw`@[\w.-]+|[A-Z][a-z]+|me|myself|I`;
const ASSIGNMENTS = [
  new RegExp(String.raw`\b(${ROLE})\s*(?::|=|->|→|–|-|\bis\b|\bwill be\b|\bgoes to\b)\s*(${NAME})\b`, 'gi'),
  new RegExp(
    String.raw`(?:^|[\s,;(])(${NAME})\s+(?:is|as|on|will be|takes?|'ll take|will take|will do|does|for)\s+(?:the\s+)?(${ROLE})\b`,
    'gi',
  ),
  new RegExp(String.raw`(?:^|[\s,;])(${NAME})\s*\((${ROLE})\)`, 'gi'),
];
const SELF = new RegExp(
  String.raw`\b(?:I'?m|I am|I'?ll (?:be|take|run|do)|I(?: will)? take)\s+(?:the\s+)?(${ROLE})\b`,
  'gi',
);

function roleOf(text: string): RoleField | null {
  const t = text.toLowerCase();
  for (const [field, pattern] of ROLES) if (new RegExp(`^(?:${pattern})$`, 'i').test(t)) return field;
  return null;
}

function personOf(raw: string, reader: Reader): string | null {
  if (/^(?:me|myself|I)$/i.test(raw)) return reader.speaker;
  const known = reader.team.find((t) => t.toLowerCase() === raw.toLowerCase().replace(/^@/, ''));
  if (known) return known;
  return /^[A-Z@]/.test(raw) && !roleOf(raw) && !/^(?:The|This|It|We|He|She|They|Who|What)$/.test(raw) ? raw : null;
}

function readRoles(
  text: string,
  reader: Reader,
): { at: number; assignments: Partial<Record<RoleField, string>> } | null {
  const found: { at: number; role: RoleField; person: string }[] = [];
  const add = (at: number, roleText: string, personText: string): void => {
    const role = roleOf(roleText);
    const person = personOf(personText, reader);
    if (role && person && !found.some((f) => f.role === role)) found.push({ at, role, person });
  };
  for (const m of text.matchAll(SELF)) add(m.index, m[1]!, 'me');
  for (const m of text.matchAll(ASSIGNMENTS[0]!)) add(m.index, m[1]!, m[2]!);
  for (const pattern of ASSIGNMENTS.slice(1)) for (const m of text.matchAll(pattern)) add(m.index, m[2]!, m[1]!);
  if (!found.length) return null;
  return {
    at: Math.min(...found.map((f) => f.at)),
    assignments: Object.fromEntries(found.map((f) => [f.role, f.person])),
  };
}

const DECLARE =
  /\b(?:declar\w*|this is|it'?s|call(?:ing)? (?:it|this)|open(?:ing)?|treat(?:ing)? (?:it|this) as|we have|raise|bump|escalat\w*|upgrad\w*|downgrad\w*|lower\w*)\b[^.?!\n]{0,40}?\bSEV[\s-]?([1-4])\b|^\s*SEV[\s-]?([1-4])\b/i;
const DECLARE_NO_LEVEL = /\b(?:declar\w*|open\w*|start\w*|spin(?:ning)? up)\s+(?:an?\s+)?incident\b/i;
const HYPOTHESIS = [
  /\bhypothes[ie]s(?:\s*\d+)?\s*[:\-–]\s*(.+)/i,
  /\b(?:I|we) (?:think|suspect|bet|reckon)\s+(?:that\s+)?(.+)/i,
  /\b(?:theory|guess)\s*:\s*(.+)/i,
  /\btesting (?:whether|if|the theory that)\s+(.+)/i,
  /\b(?:might|could|may) be (?:the )?(.+)/i,
];
const RESULT: [RegExp, 'confirmed' | 'ruled_out' | 'abandoned'][] = [
  [
    /\b(?:ruled? (?:it |that )?out|rule out|not the (?:cause|problem)|that'?s not it|dead end|disproved?)\b/i,
    'ruled_out',
  ],
  [/\b(?:confirmed|that'?s (?:it|the cause)|found (?:it|the cause)|proved?)\b/i, 'confirmed'],
  [/\b(?:park(?:ing)? (?:it|that|this)|abandon\w*|time-?box (?:is )?up|moving on from)\b/i, 'abandoned'],
];
const DEPLOYS = /\b(?:deploy(?:s|ments?)?|recent changes?|what changed|releases?|rollouts?|change ?log)\b/i;
const LOOKING = /\b(?:check\w*|look\w*|pull\w*|any|what|list\w*|see|show\w*|find\w*)\b/i;
const ROLLBACK = /\b(?:roll(?:ing|ed)? ?(?:it )?back|revert\w*)\b/i;
const ACTION =
  /\b(?:check(?:ing|ed)?(?!\s+out\b)|look(?:ing|ed)? (?:at|into)|investigat\w*|dig(?:ging)? into|debug\w*|restart\w*|roll(?:ing|ed)? ?(?:it )?back|revert\w*|scal(?:e|ing|ed) (?:up|out|down)|fail(?:ing|ed)? ?over|disabl\w*|enabl\w*|flip\w*|bounc\w*|drain\w*|kill\w*|paus\w*|tail\w*|grep\w*|profil\w*|query\w*|patch\w*|hotfix\w*|applying)\b/i;
const UPDATE =
  /\b(?:(?:status|stakeholder|exec(?:utive)?|customer|engineering) update|updat\w* (?:the )?(?:execs?|executives?|leadership|customers?|stakeholders|status ?page|engineering|everyone|the (?:vp|cto|ceo))|status ?page|tell(?:ing)? (?:the )?(?:execs?|customers?|leadership|vp|stakeholders|sales)|post(?:ing|ed)? (?:an? )?updates?|updates? (?:to|for) (?:all|every|the)|send(?:ing)? (?:an? )?updates?|no change,? still investigating)\b/i;
const ACTION_ITEMS = /\baction items?\b|\bfollow[- ]?ups?\b|^\s*AI:/im;
const RESOLVE =
  /\b(?:resolv(?:e|ed|ing) (?:the |this )?incident|incident (?:is )?resolved|(?:we'?re|it'?s|marking (?:it )?|mark (?:it )?)resolved|all clear|clos(?:e|ing) (?:the|this) incident|^\s*resolved\b)/im;
const MITIGATED =
  /\b(?:mitigated|impact (?:has )?(?:ended|stopped)|error rate (?:is )?(?:back|normal)|back to (?:normal|baseline)|recovered|monitoring (?:the|for) (?:recovery|fix))\b/i;

const ACTION_ALL = new RegExp(ACTION.source, 'gi');
/** Negates or defers the action that follows within a few words: "don't roll back", "hold off on the rollback". */
const NEGATOR =
  /\b(?:don'?t|do not|does not|doesn'?t|never|won'?t|will not|let'?s not|hold(?:ing)? off(?: on)?|no need to|avoid(?:ing)?|instead of|rather than|shouldn'?t|should not|can'?t|cannot|must not|before)\b/i;
/** "not" and "no" only right before the action ("not rolling back", "no rollback"): "errors are not dropping so we restart" still restarts. */
const NEAR_NEGATOR = /\b(?:not|no)(?:\s+[\w']+){0,2}\s*$/i;
/** Commas, "but" and "instead" separate what a clause rules out from what it does. */
const SEGMENT = /\s*(?:[,;]|\s[-–—]\s|\bbut\b|\binstead\b(?!\s+of))\s*/i;

const isQuestion = (clause: string): boolean => /\?\s*$/.test(clause);
const partsOf = (clause: string): string[] => clause.split(SEGMENT).filter((part) => part.trim());

/** True when the words just before `index` in a clause part negate or defer what follows. */
export function negatedAt(segment: string, index: number): boolean {
  const before = segment.slice(0, index);
  return NEGATOR.test(before.trim().split(/\s+/).slice(-4).join(' ')) || NEAR_NEGATOR.test(before);
}

/**
 * The action moves in one clause. A question ("should we restart?") commits to nothing. A negated or
 * deferred action becomes a decision, split from what the clause does instead: "Don't roll back,
 * restart the pods instead" is a decision and an action.
 */
function actionMoves(text: string): Move[] {
  if (isQuestion(text)) return [];
  const read = partsOf(text).map((segment) => {
    const found = [...segment.matchAll(ACTION_ALL)];
    return { segment, found: found.length > 0, affirmed: found.some((m) => !negatedAt(segment, m.index)) };
  });
  if (read.every((r) => !r.found || r.affirmed))
    return read.some((r) => r.found) ? [{ kind: 'action', text: text.slice(0, 2000) }] : [];
  return read
    .filter((r) => r.found)
    .map(
      (r): Move => ({
        kind: r.affirmed ? 'action' : 'decision',
        text: r.segment
          .replace(/^[\s:,;–—-]+/, '')
          .trim()
          .slice(0, 2000),
      }),
    );
}

/** The parts of a message that can commit to something: clause parts (see SEGMENT), questions left out. */
export function committedParts(text: string): string[] {
  return clauses(text)
    .filter((c) => !isQuestion(c.text))
    .flatMap((c) => partsOf(c.text));
}

/** Sentences and list lines: each can carry one investigation move. */
function clauses(text: string): { at: number; text: string }[] {
  const out: { at: number; text: string }[] = [];
  // "v2.14.0" and "e.g." stay inside their clause: punctuation ends one only before a space or the end.
  const re = /(?:[^.!?\n;]|[.!?](?=[^\s.!?]))+[.!?]*/g;
  for (const m of text.matchAll(re))
    if (m[0].trim()) out.push({ at: m.index + (m[0].length - m[0].trimStart().length), text: m[0].trim() });
  return out;
}

function serviceIn(text: string, reader: Reader): string | null {
  const lower = text.toLowerCase();
  for (const [alias, name] of reader.services) if (lower.includes(alias)) return name;
  return null;
}

function afterColon(text: string): string | null {
  const i = text.indexOf(':');
  const rest = i >= 0 ? text.slice(i + 1).trim() : '';
  return rest.length >= 5 ? rest.slice(0, 2000) : null;
}

/**
 * Reads the moves in one team message, in the order they appear: "Declaring SEV1. IC: Sam, comms:
 * Priya. Omar, check the deploys." is a declaration, then roles, then a deploy check. Deterministic:
 * the same words always read the same way, so a drill can be scored and replayed.
 */
export function readMoves(text: string, reader: Reader): Move[] {
  const moves: { at: number; move: Move }[] = [];
  const declare = DECLARE.exec(text);
  const declaredInQuestion = declare && /\?/.test(text.slice(declare.index).split(/[.!\n]/)[0] ?? '');
  if (declare && !declaredInQuestion)
    moves.push({
      at: declare.index,
      move: { kind: 'declare', severity: `SEV${declare[1] ?? declare[2]}` as Severity },
    });
  else if (DECLARE_NO_LEVEL.exec(text))
    moves.push({ at: DECLARE_NO_LEVEL.exec(text)!.index, move: { kind: 'declare', severity: null } });
  const roles = readRoles(text, reader);
  if (roles) moves.push({ at: roles.at, move: { kind: 'roles', assignments: roles.assignments } });
  const update = UPDATE.exec(text);
  if (update) {
    // The audience is named in the header ("Exec update: …"), not in what the update says.
    const lineStart = text.lastIndexOf('\n', update.index) + 1;
    const lineEnd = text.indexOf('\n', update.index) >= 0 ? text.indexOf('\n', update.index) : text.length;
    const colon = text.indexOf(':', update.index);
    const header = text.slice(lineStart, colon >= 0 && colon < lineEnd ? colon : lineEnd);
    moves.push({
      at: update.index,
      move: {
        kind: 'update',
        audiences: audiencesIn(header.toLowerCase()),
        whatChanged: afterColon(text.slice(update.index)),
      },
    });
  }
  const items = ACTION_ITEMS.exec(text);
  if (items) moves.push({ at: items.index, move: { kind: 'action_items', items: draftItems(text) } });
  const resolve = RESOLVE.exec(text);
  const mitigated = MITIGATED.exec(text);
  if (resolve) moves.push({ at: resolve.index, move: { kind: 'resolve', text } });
  else if (mitigated) moves.push({ at: mitigated.index, move: { kind: 'mitigated', text } });
  if (!items && !update) {
    for (const clause of clauses(text)) {
      if (roles && readRoles(clause.text, reader) && !ACTION.test(clause.text.replace(new RegExp(ROLE, 'gi'), '')))
        continue;
      const result = RESULT.find(([re]) => re.test(clause.text));
      if (result) {
        moves.push({ at: clause.at, move: { kind: 'hypothesis_result', outcome: result[1], evidence: clause.text } });
        // "Confirmed, rolling back now": the verdict and the action it leads to.
        const rest = clause.text.replace(result[0], '');
        const then = actionMoves(rest);
        // Unsplit, the action is the whole clause (verdict included); split, each part stands alone.
        const whole = then.length === 1 && then[0]!.kind === 'action';
        for (const move of then)
          moves.push({ at: clause.at + 1, move: whole ? { kind: 'action', text: clause.text.slice(0, 2000) } : move });
        continue;
      }
      const hypothesis = HYPOTHESIS.map((re) => re.exec(clause.text)).find((m) => m);
      if (hypothesis && !isQuestion(clause.text)) {
        moves.push({
          at: clause.at,
          move: {
            kind: 'hypothesis',
            statement: hypothesis[1]!
              .replace(/[.!]+$/, '')
              .trim()
              .slice(0, 500),
          },
        });
        continue;
      }
      if (/\brunbook\b/i.test(clause.text)) moves.push({ at: clause.at, move: { kind: 'runbook' } });
      else if (DEPLOYS.test(clause.text) && LOOKING.test(clause.text) && !ROLLBACK.test(clause.text))
        moves.push({ at: clause.at, move: { kind: 'deploys', service: serviceIn(clause.text, reader) } });
      else if (ACTION.test(clause.text) && !(resolve || mitigated))
        moves.push(...actionMoves(clause.text).map((move, i) => ({ at: clause.at + i / 10, move })));
    }
  }
  return moves.sort((a, b) => a.at - b.at).map((m) => m.move);
}
