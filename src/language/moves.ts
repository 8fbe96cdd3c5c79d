import { actionKind, actionPriority, readActionItem } from './action-item.js';
import { frames } from './clauses.js';
import type { Concept } from './lexicon.js';
import type { KnownPeople } from './people.js';
import { type RoleId, roleAssignments } from './roles.js';
import { type Mention, scan } from './scan.js';
import { joinTokens, type Sentence, tokenize } from './tokens.js';

export type RoleField = 'incidentCommander' | 'communicationsLead' | 'technicalLead' | 'scribe';
export type Audience = 'engineering' | 'executive' | 'customer';

export interface DrillActionItem {
  title: string;
  owner: string | null;
  /** ISO date, or null when none was given (or none could be read). */
  due: string | null;
  kind: 'prevent' | 'detect' | 'mitigate' | 'process';
  priority: 'P1' | 'P2' | 'P3' | 'P4';
}

/** One thing the team did, read from a chat message; the game-day drill turns each into a real tool call. */
export type Move =
  | { kind: 'declare'; severity: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4' | null }
  | { kind: 'roles'; assignments: Partial<Record<RoleField, string>> }
  | { kind: 'deploys'; service: string | null }
  | { kind: 'runbook' }
  | { kind: 'hypothesis'; statement: string }
  | { kind: 'hypothesis_result'; outcome: 'confirmed' | 'ruled_out' | 'abandoned'; evidence: string }
  | { kind: 'action'; text: string }
  /** An action the team chose not to take, or not yet: "don't roll back yet". On the timeline as a decision; it applies no fix. */
  | { kind: 'decision'; text: string }
  | { kind: 'update'; audiences: Audience[]; whatChanged: string | null }
  | { kind: 'action_items'; items: DrillActionItem[] }
  | { kind: 'mitigated'; text: string }
  | { kind: 'resolve'; text: string };

export interface MoveReader {
  /** Who sent the message: "I'm IC" names them. */
  speaker: string;
  team: readonly string[];
  /** Service names and aliases, lowercase, to canonical name. */
  services: ReadonlyMap<string, string>;
  /** The drill's clock, for due dates ("in 2 weeks"). */
  now?: Date | undefined;
}

const FIELD: Record<RoleId, RoleField> = {
  incident_commander: 'incidentCommander',
  communications_lead: 'communicationsLead',
  technical_lead: 'technicalLead',
  scribe: 'scribe',
};
const AUDIENCE: Partial<Record<Concept, Audience>> = {
  audienceEngineering: 'engineering',
  audienceExecutive: 'executive',
  audienceCustomer: 'customer',
};
const SEV = /\bsev(?:erity)?[\s-]?([1-4])\b/i;
const LOOKUPS = new Set([
  'check',
  'checking',
  'checked',
  'look',
  'looking',
  'pull',
  'pulling',
  'any',
  'what',
  'list',
  'listing',
  'see',
  'show',
  'showing',
  'find',
  'finding',
  'review',
  'get',
  'recent',
]);

const has = (ms: readonly Mention[], ...concepts: Concept[]): boolean =>
  ms.some((m) => concepts.includes(m.concept) && !m.negated);

/** A clause part that commits to an action, or rules it out ("don't roll back", "hold off on the rollback"). */
function clauseAction(text: string, ms: readonly Mention[]): 'action' | 'decision' | null {
  const acts = ms.filter((m) => m.concept === 'mitigate' || m.concept === 'investigate');
  if (!acts.length) return null;
  const deferred = ms.some((d) => d.concept === 'defer' && acts.some((a) => d.start < a.start));
  void text;
  return acts.some((a) => !a.negated) && !deferred ? 'action' : 'decision';
}

/** The action and decision moves in one sentence, split by clause when they differ. */
function actionMoves(sentence: Sentence, mentions: readonly Mention[], whole: string): Move[] {
  if (sentence.question) return [];
  const parts = sentence.clauses.map((c) => {
    const ms = mentions.filter((m) => m.sentence === c.sentence && m.clause === c.tokens[0]!.clause);
    return { text: c.text, kind: clauseAction(c.text, ms) };
  });
  const found = parts.filter((p) => p.kind !== null);
  if (!found.length) return [];
  if (found.every((p) => p.kind === 'action')) return [{ kind: 'action', text: whole.slice(0, 2000) }];
  return found.map((p) => ({ kind: p.kind!, text: p.text.replace(/^[\s:,;–—-]+/, '').slice(0, 2000) }));
}

function serviceIn(text: string, services: ReadonlyMap<string, string>): string | null {
  const lower = text.toLowerCase();
  for (const [alias, name] of services) if (lower.includes(alias)) return name;
  return null;
}

/**
 * Reads the moves in one team message, in the order they appear: "Declaring SEV1. IC: Sam, comms:
 * Priya. Omar, check the deploys." is a declaration, then roles, then a deploy check. Deterministic:
 * the same words always read the same way, so a drill can be scored and replayed.
 */
export function readMoves(input: string, reader: MoveReader): Move[] {
  const text = tokenize(input);
  const mentions = scan(text);
  const clausesAt = frames(text);
  void clausesAt;
  const people: KnownPeople = { sender: reader.speaker, names: reader.team };
  const moves: { at: number; move: Move }[] = [];
  const sentenceAt = (s: Sentence): number => s.tokens[0]!.index;
  const inSentence = (s: Sentence): Mention[] => mentions.filter((m) => m.sentence === s.tokens[0]!.sentence);

  // A declaration: "Declaring SEV1", "bump it to SEV2", "let's open an incident" — never a question.
  for (const s of text.sentences) {
    if (s.question) continue;
    const ms = inSentence(s);
    const level = SEV.exec(s.text);
    const declares = has(ms, 'declare') || (level !== null && SEV.test(s.tokens[0]!.text + (s.tokens[1]?.text ?? '')));
    if (declares && (level || ms.some((m) => m.concept === 'declare' && /incident/.test(m.words)))) {
      moves.push({
        at: sentenceAt(s),
        move: { kind: 'declare', severity: level ? (`SEV${level[1]}` as 'SEV1') : null },
      });
      break;
    }
  }

  const roles = roleAssignments(text.sentences, mentions, people);
  if (roles.length) {
    const assignments: Partial<Record<RoleField, string>> = {};
    for (const r of roles)
      assignments[FIELD[r.role]] = r.self
        ? reader.speaker
        : (reader.team.find((t) => t.toLowerCase() === r.person.toLowerCase()) ?? r.person);
    const first = Math.min(...mentions.filter((m) => m.concept.startsWith('role')).map((m) => m.start));
    moves.push({ at: first, move: { kind: 'roles', assignments } });
  }

  // An update per audience: the audience named before the colon ("Exec update: …"), what changed after it.
  const updateAt = mentions.find(
    (m) =>
      m.concept === 'update' &&
      !m.negated &&
      /update|post|status|summary|brief/.test(m.words) &&
      !text.sentences[m.sentence]!.question,
  );
  if (updateAt) {
    const colon = input.indexOf(':', Math.max(0, input.toLowerCase().indexOf(updateAt.words.split(' ')[0]!)));
    const header = colon >= 0 ? input.slice(0, colon) : input;
    const headerMentions = scan(tokenize(header));
    const named = [
      ...new Set(headerMentions.flatMap((m) => (AUDIENCE[m.concept] && !m.negated ? [AUDIENCE[m.concept]!] : []))),
    ];
    const all = /\ball\b/i.test(header) || named.length === 0;
    const after = colon >= 0 ? input.slice(colon + 1).trim() : '';
    moves.push({
      at: updateAt.start,
      move: {
        kind: 'update',
        audiences: all
          ? ['engineering', 'executive', 'customer']
          : (['engineering', 'executive', 'customer'] as const).filter((a) => named.includes(a)),
        whatChanged: after.length >= 5 ? after.slice(0, 2000) : null,
      },
    });
  }

  const items = mentions.some((m) => m.concept === 'actionItem' && !m.negated)
    ? readActionItem(text, mentions, text.text.toLowerCase(), reader.now ?? new Date(), people)
    : null;
  if (items) {
    moves.push({
      at: mentions.find((m) => m.concept === 'actionItem')!.start,
      move: {
        kind: 'action_items',
        items: items.items.map((i) => ({
          title: i.title,
          owner: i.owner,
          due: i.due?.kind === 'date' ? i.due.date : null,
          kind: actionKind(i.title),
          priority: actionPriority(i.title),
        })),
      },
    });
  }

  const closing = mentions.find((m) => m.concept === 'close' && !m.negated && !text.sentences[m.sentence]!.question);
  // "connections are normal" beside a verdict is evidence, not the impact ending.
  const verdicts = new Set(
    mentions
      .filter((m) => m.concept === 'confirmed' || m.concept === 'ruledOut' || m.concept === 'parked')
      .map((m) => m.sentence),
  );
  const recovered = mentions.find(
    (m) =>
      (m.concept === 'recovered' || m.concept === 'recoveredWeak' || m.concept === 'improving') &&
      !m.negated &&
      !text.sentences[m.sentence]!.question &&
      !verdicts.has(m.sentence),
  );
  if (closing) moves.push({ at: closing.start, move: { kind: 'resolve', text: input } });
  else if (recovered) moves.push({ at: recovered.start, move: { kind: 'mitigated', text: input } });

  if (!items && !updateAt) {
    for (const s of text.sentences) {
      const ms = inSentence(s);
      const at = sentenceAt(s);
      const whole = s.text;
      const onlyRoles =
        roles.length > 0 && ms.some((m) => m.concept.startsWith('role')) && !ms.some((m) => m.concept === 'mitigate');
      if (onlyRoles) continue;
      const verdict = ms.find(
        (m) => (m.concept === 'confirmed' || m.concept === 'ruledOut' || m.concept === 'parked') && !m.negated,
      );
      if (verdict && !s.question) {
        const outcome =
          verdict.concept === 'confirmed' ? 'confirmed' : verdict.concept === 'ruledOut' ? 'ruled_out' : 'abandoned';
        moves.push({ at, move: { kind: 'hypothesis_result', outcome, evidence: whole } });
        const rest = {
          ...s,
          clauses: s.clauses.filter(
            (c) => !(verdict.start >= c.tokens[0]!.index && verdict.start <= c.tokens.at(-1)!.index),
          ),
        };
        const then = actionMoves(rest, ms, whole);
        for (const move of then) moves.push({ at: at + 0.5, move });
        continue;
      }
      const theory = ms.find((m) => m.concept === 'hypothesis' && !m.negated);
      if (theory && !s.question) {
        const after = s.tokens.filter((t) => t.index >= theory.end);
        const statement = joinTokens(after)
          .replace(/^(?:that|is|:|-)\s+/i, '')
          .replace(/[.!]+$/, '')
          .trim();
        if (statement) {
          moves.push({ at, move: { kind: 'hypothesis', statement: statement.slice(0, 500) } });
          continue;
        }
      }
      if (has(ms, 'runbook')) moves.push({ at, move: { kind: 'runbook' } });
      else if (
        ms.some((m) => (m.concept === 'change' || m.concept === 'deployWords') && !m.negated) &&
        s.tokens.some((t) => LOOKUPS.has(t.word)) &&
        !ms.some((m) => m.concept === 'mitigate')
      )
        moves.push({ at, move: { kind: 'deploys', service: serviceIn(whole, reader.services) } });
      else if (!(closing || recovered))
        moves.push(...actionMoves(s, ms, whole).map((move, i) => ({ at: at + i / 10, move })));
    }
  }
  return moves.sort((a, b) => a.at - b.at).map((m) => m.move);
}

/** The parts of a message that can commit to something: clauses of its statements, questions left out. */
export function committedParts(input: string): string[] {
  return tokenize(input)
    .sentences.filter((s) => !s.question)
    .flatMap((s) => s.clauses.map((c) => c.text));
}

/** True when the words just before `index` in a clause part negate or hold back what follows. */
export function negatedAt(part: string, index: number): boolean {
  const before = tokenize(part.slice(0, index));
  const words = before.tokens.slice(-4);
  if (!words.length) return false;
  const ms = scan(before);
  return (
    words.some((t) => t.word === 'not' || t.word === 'no' || t.word === 'never') ||
    ms.some((m) => m.concept === 'defer' && m.end >= words[0]!.index)
  );
}
