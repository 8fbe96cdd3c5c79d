import { blameIn, withoutBlame, withoutQuotes } from '../language/index.js';

/**
 * The blameless-language check: finds sentences that make a person the cause ("Dave pushed a bad
 * config", "human error", "should have checked") and proposes systemic wording. The reading is the
 * language layer's; this module adds the advice. The eval graders judge blame on their own.
 */
export interface BlameFinding {
  sentence: string;
  /** What was found: a named person as the cause, "human error", hindsight ("should have"), a fault phrase. */
  reason: 'person_as_cause' | 'human_error' | 'hindsight' | 'fault';
  phrase: string;
  suggestion: string;
}

function suggestionFor(reason: BlameFinding['reason'], phrase: string): string {
  const verb = phrase.toLowerCase();
  if (reason === 'human_error')
    return 'Name the condition that made the error possible and the guardrail that was missing (validation, a safe default, a confirmation step).';
  if (reason === 'hindsight')
    return 'Say what the system did not show or check at the time ("the dashboard did not show …", "no test covered …"), not what someone should have done.';
  if (reason === 'fault') return 'Drop the fault-finding: describe the sequence of events and the missing guardrail.';
  if (/deploy|push|ship|merge|introduc/.test(verb))
    return 'Rewrite with the change as the subject: "A change reached production without <the check that would have caught it>".';
  if (/config|mistyp|fat-finger|overwrote|disabled|removed/.test(verb))
    return 'Rewrite with the change as the subject: "A configuration change was applied without validation or review".';
  if (/delet|drop/.test(verb))
    return 'Rewrite as "A destructive command ran against production with no safeguard (confirmation, dry run, backup)".';
  return 'Rewrite with the system as the subject: what allowed this action to have this effect, and which guardrail was missing.';
}

export { withoutQuotes };

export function findBlame(text: string): BlameFinding[] {
  return blameIn(text).map((f) => ({ ...f, suggestion: suggestionFor(f.reason, f.phrase) }));
}

export { withoutBlame };
