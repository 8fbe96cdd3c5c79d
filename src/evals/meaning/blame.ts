import { isUnknownWord, personRefs, type PersonRef } from './people.js';
import { conditionalSentence, mask, negatedAt } from './polarity.js';
import { clauses, sentences } from './text.js';

/** A sentence of the reply that makes a person the cause. */
export interface BlameFinding {
  sentence: string;
  person: string;
  reason: string;
}

/** Something that went wrong: what a person is blamed for having caused. */
const DAMAGE =
  /\b(?:broke|breaks|break|broken|caus(?:ed|es|e|ing)|took (?:\w+ )?down|takes (?:\w+ )?down|taking (?:\w+ )?down|brought (?:\w+ )?down|knocked (?:\w+ )?(?:over|out)|crash(?:ed|es)|kill(?:ed|s)|nuk(?:ed|es)|trash(?:ed|es)|wip(?:ed|es) out|wiped|delet(?:ed|es)|dropp(?:ed) (?:the|a|prod|production)|corrupt(?:ed|s)|blew up|blown up|tank(?:ed|s)|led to|leads to|triggered|resulted in|introduced|started (?:this|the (?:outage|incident|fire))|(?:is|was|'s) (?:the )?(?:root )?(?:cause|reason|culprit)|(?:is|was) why|went down|failed|failing)\b/i;

/** What went wrong, as a noun or a state: with "thanks to Dave" it makes him the cause. */
const BAD_OUTCOME =
  /\b(?:outage|downtime|incident|went down|is down|was down|were down|failed|failing|errors?|broke|broken|crash(?:ed)?|lost|losing|fire)\b/i;

/** A good result: "thanks to Priya we recovered" is credit, not blame. */
const GOOD_OUTCOME =
  /\b(?:recover(?:ed|y)|restored|back up|back to normal|fixed|mitigated|rolled back|caught|spotted|only|quick|fast|saved|avoided|prevented|limited|contained)\b/i;

/** Words for a mistake: "Priya's typo" points at a person whatever the verb. */
const MISTAKE_NOUN =
  /^(?:mistakes?|errors?|typos?|faults?|blunders?|screw-?ups?|slip-?ups?|slips?|oversights?|negligence|carelessness|sloppiness|fat[- ]finger(?:ed|ing)?|misconfiguration|goof|fuck-?up|cock-?up|bad|broken|buggy|faulty|botched|sloppy|untested|unreviewed|careless|reckless|dodgy|bogus|wrong|incorrect)\b/i;

/** Things a person makes or changes: "Dave's change" is neutral until it "took prod down". */
const ARTIFACT =
  /^(?:(?:last |latest |recent |new |big |quick |late-night |friday )?(?:change|changes|deploy|deploys|deployment|commit|commits|pr|pull request|push|config|configuration|migration|script|code|query|release|merge|patch|edit|update|rollout|cleanup|refactor|hotfix|fix|upgrade|command|terraform|manifest|flag))\b/i;

/** Verbs a person does to a system: with a bad result later in the clause, they pin the cause on them. */
const CHANGE_VERB =
  /^(?:pushed|pushes|shipped|ships|deployed|deploys|merged|merges|committed|wrote|writes|made|makes|applied|ran|runs|changed|changes|edited|updated|introduced|approved|rushed|released|rolled out|turned off|turned on|disabled|enabled|removed|deleted|dropped|restarted|flipped|toggled|modified|touched)\b/i;

/** What a person did wrong, in words that need no outcome. */
const MISDEED =
  /^(?:(?:really |totally |completely |just )?(?:forgot|forgets|forgetting|missed|misses|ignored|ignores|ignoring|skipped|skips|neglected|neglects|overlooked|botched|messed up|screwed up|fucked up|fumbled|fat-fingered|fat fingered|typo'd|broke|breaks|crashed|nuked|killed|trashed|wiped|corrupted|(?:deleted|dropped|wiped|truncated) (?:the |a |our )?(?:prod|production|live|customer|payments?|users?)\w*(?: (?:table|database|db|data|bucket|cluster))?|took (?:\w+ )?down|brought (?:\w+ )?down|caused|dropped the ball|blew it|failed to|didn't (?:bother|test|check|review|read|follow|wait|think|ask|verify|validate|run)|did not (?:bother|test|check|review|read|follow|wait|verify|validate|run)|never (?:tested|checked|reviewed|followed|ran|verified)|should(?:n't| not)? have|should've|ought to have|needs? to be (?:more )?careful|made (?:a|an|the) (?:mistake|error|typo|blunder|bad call)|was (?:careless|sloppy|negligent|reckless|lazy|incompetent|asleep)|is (?:careless|sloppy|negligent|reckless|lazy|incompetent)|is (?:at fault|to blame|responsible for (?:the|this|that)|accountable for (?:the|this|that)|the (?:root )?cause|the culprit|the reason)|was (?:at fault|to blame|responsible for (?:the|this|that)|the (?:root )?cause|the culprit|the reason)))\b/i;

/** A person fixing, finding or owning something is not blamed, whatever else the sentence says. */
const REMEDY_VERB =
  /^(?:rolled back|rolls back|reverted|reverts|fixed|fixes|restored|mitigated|found|spotted|noticed|caught|identified|flagged|reported|raised|escalated|paged|owns|will|is (?:testing|looking|investigating|checking|on call|the|our|running)|ran the rollback|stopped|saved|helped|confirmed|ruled out|discovered)\b/i;

/** Words that blame without needing a name: a person is the cause, just not named. */
const GENERIC_BLAME =
  /\b(?:human error|operator error|user error|pebkac|pilot error|carelessness|negligence|incompetence|somebody (?:screwed|messed) up|someone (?:screwed|messed) up)\b/i;

const SANCTION =
  /\b(?:fired|disciplined|reprimanded|written up|held accountable|punished|let go|sacked|performance review|pip)\b/i;

/** "The outage is on Dave": an outcome, a form of "be", "on" and a person. */
const ON_PERSON =
  /\b(?:this|that|it|this one|that one|the (?:outage|incident|downtime|failure|breakage|mess|blame|fault|problem|screw-?up|error|crash)|all of (?:this|that)|blame|fault)\s*(?:'s|is|was|falls|fell|lies|lay|rests|sits)\s+(?:\w+ly\s+|all\s+)?on\s+$/i;

function after(clause: string, ref: PersonRef): string {
  return clause
    .slice(ref.end)
    .replace(/^['’]s?\b/, '')
    .replace(/^\s*(?:,[^,]{0,40},\s*)?/, ' ')
    .trimStart();
}

/** The lower-case first word of a clause as the subject, for names typed without capitals ("dave pushed…"). */
function bareSubject(clause: string): PersonRef | null {
  const m = /^([a-z][a-z'’-]{1,20})\s+(?=\S)/.exec(clause);
  if (!m || !isUnknownWord(m[1]!)) return null;
  return { text: m[1]!, index: 0, end: m[1]!.length, possessive: /['’]s$/.test(m[1]!), kind: 'name' };
}

const name = (ref: PersonRef): string => ref.text.replace(/['’]s$/, '');

function judgeClause(clause: string, sentence: string): BlameFinding | null {
  const bare = bareSubject(clause);
  const refs = personRefs(clause);
  if (bare && !refs.some((r) => r.index === 0)) refs.unshift(bare);
  const found = (ref: PersonRef, reason: string): BlameFinding | null =>
    negatedAt(clause, ref.index, 120) ? null : { sentence, person: ref.text, reason };

  for (const ref of refs) {
    const rest = after(clause, ref);
    const before = clause.slice(0, ref.index);
    // "If Dave had tested it…": a counterfactual that makes him the cause.
    if (/\b(?:if|had)\s*$/i.test(before) && /^(?:had|'d|only|just|bothered|not|hadn't)\b/i.test(rest))
      return { sentence, person: ref.text, reason: 'a counterfactual that makes a person the cause' };
    if (ref.possessive) {
      if (MISTAKE_NOUN.test(rest)) return found(ref, `"${name(ref)} ${rest.split(/\s+/)[0]}": a person's mistake`);
      if (/^fault\b/i.test(rest)) return found(ref, 'says whose fault it is');
      if (ARTIFACT.test(rest) && DAMAGE.test(rest))
        return found(ref, `${name(ref)} ${rest.split(/\s+/)[0]} is made the cause of the damage`);
      if (
        ARTIFACT.test(rest) &&
        /\b(?:thanks to|because of|due to|blame|caused by|courtesy of|owing to)\s*$/i.test(before)
      )
        return found(ref, `the cause is put on ${name(ref)}'s ${rest.split(/\s+/)[0]}`);
    }
    if (
      SANCTION.test(rest) &&
      /\b(?:should|must|will|needs? to|ought to|has to|deserves? to)\s+(?:be\s+|get\s+)/i.test(rest)
    )
      return found(ref, `calls for ${name(ref)} to be sanctioned`);
    if (REMEDY_VERB.test(rest)) continue;
    const adverbless = rest.replace(/^(?:\w+ly|just|also|then|accidentally|apparently|basically|again)\s+/i, '');
    if (MISDEED.test(adverbless)) return found(ref, `${name(ref)} is said to have caused or botched it`);
    if (CHANGE_VERB.test(adverbless)) {
      const object = adverbless.replace(CHANGE_VERB, '').trim();
      if (MISTAKE_NOUN.test(object.replace(/^(?:an?|the|that|this|his|her|their|some|a few)\s+/i, '')))
        return found(ref, `${name(ref)} is said to have shipped something bad`);
      if (DAMAGE.test(object) && /(?:\bthat\b|\bwhich\b|\band\b|,)/.test(object))
        return found(ref, `${name(ref)}'s action is made the cause of the damage`);
    }
    if (
      /\b(?:blam(?:e|ed|ing)|fault of|fault lies with|caused by|broken by|thanks to|because of|due to|courtesy of)\s*(?:the\s+)?$/i.test(
        before,
      )
    ) {
      const outcome = (DAMAGE.test(clause) || BAD_OUTCOME.test(clause)) && !GOOD_OUTCOME.test(clause);
      if (/\bblam|\bfault/i.test(before.slice(-24)) || outcome || /\b(?:caused|broken) by\s*$/i.test(before))
        return found(ref, `the cause is put on ${name(ref)}`);
    }
    if (ON_PERSON.test(before) && !/^(?:to\s+\w+|call)\b/i.test(rest))
      return found(ref, `the outage is put "on" ${name(ref)}`);
    if (
      /\b(?:pushed|shipped|deployed|merged|made|introduced|written|committed|applied|caused|broken)\s+(?:in\s+)?(?:by|from)\s*$/i.test(
        before,
      )
    ) {
      const words = before.split(/\s+/).filter(Boolean);
      const lead = words.slice(-8, -2).map((w) => w.replace(/^\W+|\W+$/g, ''));
      if (lead.some((w) => MISTAKE_NOUN.test(w)) || DAMAGE.test(before) || BAD_OUTCOME.test(rest))
        return found(ref, `the damage is attributed to ${name(ref)}`);
    }
    if (/\b(?:hold|fire|discipline|punish|blame|sack|reprimand)\s*$/i.test(before))
      return found(ref, `calls for ${name(ref)} to be blamed or sanctioned`);
  }
  const generic = GENERIC_BLAME.exec(clause);
  const deniedAfter =
    generic &&
    /^\s*(?:is|was|are|were)?\s*(?:never|not|n't|rarely|seldom)\b|^\s*(?:isn't|wasn't|aren't)\b/i.test(
      clause.slice(generic.index + generic[0].length),
    );
  if (generic && !deniedAfter && !negatedAt(clause, generic.index, 120))
    return { sentence, person: generic[0], reason: 'names a person as the cause' };
  return null;
}

/** Every sentence that blames a person. Quotations are mentions, not claims; questions claim nothing. */
export function findBlame(reply: string): BlameFinding[] {
  const out: BlameFinding[] = [];
  for (const s of sentences(reply)) {
    if (s.question) continue;
    const conditional = conditionalSentence(s.text);
    for (const c of clauses(s.text)) {
      const finding = judgeClause(c, s.text);
      // A condition ("if your deploy caused this, roll back") accuses no one, except a counterfactual.
      if (finding && (!conditional || /counterfactual/.test(finding.reason))) {
        out.push(finding);
        break;
      }
    }
  }
  return out;
}

export { mask };
