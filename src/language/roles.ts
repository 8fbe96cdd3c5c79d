import { isSelf, personAt, type KnownPeople } from './people.js';
import type { Mention } from './scan.js';
import type { Sentence, Token } from './tokens.js';

export type RoleId = 'incident_commander' | 'communications_lead' | 'technical_lead' | 'scribe';

/** A role given to someone in words: "Ana's running comms", "I'll take IC", "tech lead: raj". */
export interface RoleAssignment {
  role: RoleId;
  /** The person as written (capitalised), or the sender's name when they claimed it ("I'll take IC"). */
  person: string;
  /** The sender claimed the role for themself. */
  self: boolean;
  phrase: string;
}

const ROLE_OF: Partial<Record<Mention['concept'], RoleId>> = {
  roleIc: 'incident_commander',
  roleComms: 'communications_lead',
  roleTech: 'technical_lead',
  roleScribe: 'scribe',
};

/** Words that tie a person before a role to it: "Ana is/has/takes/'s running/on comms". */
const LINK_BEFORE = new Set([
  'is',
  'am',
  'be',
  'as',
  'has',
  'have',
  'got',
  'gets',
  'get',
  'take',
  'takes',
  'took',
  'taking',
  'grab',
  'grabs',
  'grabbing',
  'own',
  'owns',
  'owning',
  'run',
  'runs',
  'running',
  'do',
  'does',
  'doing',
  'handle',
  'handles',
  'handling',
  'lead',
  'leads',
  'leading',
  'keep',
  'keeps',
  'keeping',
  'cover',
  'covers',
  'covering',
  'on',
  'for',
  'will',
  'can',
  'could',
  'to',
  'the',
  'our',
  'new',
  'now',
  'also',
  'just',
  'still',
  'today',
  'here',
  'into',
  'over',
  'become',
  'becomes',
  'becoming',
  'named',
  'acting',
  'serve',
  'serves',
  'serving',
  'stay',
  'stays',
  'staying',
  'remain',
  'remains',
  'continue',
  'continues',
  'assume',
  'assumes',
  'pick',
  'picks',
  'picking',
  'up',
  'please',
  'pls',
  'll',
  'gonna',
  'going',
  'want',
  'wants',
  'would',
  'like',
  'happy',
  'volunteer',
  'volunteers',
  'me',
]);
/** Words between a role and the person after it: "comms: Ana", "IC is Maria", "IC goes to Tom", "tech lead raj". */
const LINK_AFTER = new Set([
  'is',
  'be',
  'will',
  'goes',
  'go',
  'to',
  'by',
  'now',
  'shall',
  'falls',
  'on',
  'with',
  'for',
  'the',
  'handled',
  'covered',
  'owned',
  'done',
  'taken',
  'being',
  'stays',
  'remains',
  'still',
]);
/** Handing a role over: "handing IC to Maria", "passing comms over to Lee". */
const HANDOVER = new Set([
  'hand',
  'handing',
  'handed',
  'pass',
  'passing',
  'passed',
  'give',
  'giving',
  'gave',
  'transfer',
  'transferring',
  'transferred',
  'move',
  'moving',
  'swap',
  'swapping',
]);

function nearestPerson(
  tokens: readonly Token[],
  from: number,
  step: -1 | 1,
  links: ReadonlySet<string>,
  known: KnownPeople,
  limit: number,
): { person: string; self: boolean } | null {
  for (let i = from, seen = 0; i >= 0 && i < tokens.length && seen < limit; i += step, seen++) {
    const t = tokens[i]!;
    if (isSelf(t)) return { person: known.sender ?? 'me', self: true };
    const person = personAt(t, known, false);
    if (person) return { person, self: false };
    if (!links.has(t.word) && !/^[,:=>\-–—]*$/.test(t.word)) return null;
  }
  return null;
}

/** Roles given in words, one per role (the last word on a role wins: "Ana has comms… actually Lee"). */
export function roleAssignments(
  sentences: readonly Sentence[],
  mentions: readonly Mention[],
  known: KnownPeople,
): RoleAssignment[] {
  const found = new Map<RoleId, RoleAssignment>();
  for (const m of mentions) {
    const role = ROLE_OF[m.concept];
    if (!role || m.negated) continue;
    const sentence = sentences[m.sentence]!;
    if (sentence.question && !/\b(?:can|could|will)\b/.test(sentence.text.toLowerCase())) continue;
    const all = sentence.tokens;
    const tokens = all.filter((t) => t.clause === m.clause);
    const at = tokens.findIndex((t) => t.index === m.start);
    const endAt = tokens.findIndex((t) => t.index === m.end - 1);
    if (at < 0 || endAt < 0) continue;
    const before = tokens.slice(0, at);
    // "handing IC to Maria": the person after "to" gets it, whoever speaks.
    const handover = before.some((t) => HANDOVER.has(t.word));
    // "IC: Priya", "comms = me", "TL -> Omar": the person is in the next clause, across the colon.
    const last = tokens[endAt]!;
    const across = /^\s*(?::|=|->|→|-|–)\s*$/.test(last.post) ? all.filter((t) => t.clause === m.clause + 1) : [];
    const after = nearestPerson([...tokens, ...across], endAt + 1, 1, LINK_AFTER, known, 4);
    // "Lee (scribe)": the role in brackets right after a name.
    const bracketed =
      at === 0 && /\(\s*$/.test(all[all.indexOf(tokens[0]!) - 1]?.post ?? '')
        ? all[all.indexOf(tokens[0]!) - 1]
        : undefined;
    const prior = handover
      ? null
      : (nearestPerson(tokens, at - 1, -1, LINK_BEFORE, known, 5) ??
        (bracketed ? nearestPerson([bracketed], 0, 1, LINK_BEFORE, known, 1) : null));
    // A question asks who ("can someone take notes?"): only a named answer in it counts ("can lee take notes?").
    const chosen = prior ?? after;
    if (!chosen) continue;
    if (sentence.question && chosen.self) continue;
    found.set(role, {
      role,
      person: chosen.person,
      self: chosen.self,
      phrase: tokens
        .map((t) => t.text)
        .filter(Boolean)
        .join(' '),
    });
  }
  return [...found.values()];
}
