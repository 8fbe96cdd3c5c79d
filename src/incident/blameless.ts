/**
 * The blameless-language check: finds sentences that make a person the cause ("Dave pushed a bad
 * config", "human error", "should have checked") and proposes systemic wording. Used by the
 * post-mortem tools and by the eval graders, so both judge blame the same way.
 */
export interface BlameFinding {
  sentence: string;
  /** What was found: a named person as the cause, "human error", hindsight ("should have"), a fault phrase. */
  reason: 'person_as_cause' | 'human_error' | 'hindsight' | 'fault';
  phrase: string;
  suggestion: string;
}

const CAUSAL_VERBS =
  "pushed|deployed|broke|caused|forgot|missed|ignored|skipped|ran|deleted|dropped|merged|misconfigured|mistyped|overwrote|disabled|removed|rebooted|restarted|approved|introduced|shipped|screwed up|messed up|fat-fingered|did not|didn't|failed to|neglected to";
const NOT_PEOPLE = new Set([
  'The',
  'This',
  'That',
  'These',
  'Those',
  'It',
  'We',
  'Our',
  'Someone',
  'Somebody',
  'Nobody',
  'Everyone',
  'A',
  'An',
  'Then',
  'When',
  'After',
  'Before',
  'If',
  'CI',
  'Kubernetes',
  'Postgres',
  'Checkout',
  'Search',
  'Payments',
  'Terraform',
  'Ansible',
  'Jenkins',
  'GitHub',
  'Renovate',
  'Dependabot',
  'Argo',
  'Helm',
  'Deploy',
  'Deployment',
  'Release',
  'Config',
  'Migration',
  'Cron',
  'Job',
  'Alert',
  'Monitoring',
  'Which',
  'What',
  'Why',
  'How',
  'Nothing',
  'Each',
  'Every',
  'No',
  'Not',
  'Who',
  'Whose',
  'Do',
  'Does',
  'Did',
]);

const PERSON_CAUSE = new RegExp(
  `(?:^|[^\\w@])(@[\\w.-]+|[A-Z][a-z]{1,20}(?: [A-Z][a-z]{1,20})?)(?:'s)?\\s+(?:(?:accidentally|mistakenly|carelessly|just|then|also)\\s+)?(${CAUSAL_VERBS})\\b`,
  'g',
);
const ROLE_CAUSE = new RegExp(
  `\\b(?:the|an?|our)\\s+(?:on-?call|engineer|developer|dev|sre|operator|admin|intern|new hire|team member)(?:\\s+\\w+){0,3}?\\s+(?:who\\s+)?(${CAUSAL_VERBS})\\b`,
  'gi',
);
const HUMAN_ERROR = /\b(?:human|operator|user|pilot) error\b/gi;
const HINDSIGHT =
  /\bshould(?:'ve| have)\s+(?:known|checked|tested|caught|noticed|seen|done|been|asked|reviewed|waited)\b/gi;
const FAULT =
  /\b(?:[A-Z][a-z]+|his|her|their)'?s?\s+fault\b|\bcareless(?:ness|ly)?\b|\bnegligen(?:ce|t)\b|\bincompeten(?:ce|t)\b|\bto blame\b/g;

function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+|\n/)
    .map((s) => s.trim())
    .filter(Boolean);
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

/** Quoted text is a mention, not a claim: a reply may say not to write "Dave pushed a bad config". */
export function withoutQuotes(text: string): string {
  return text.replace(/"[^"\n]{0,300}"|“[^”\n]{0,300}”|'[^'\n]{3,300}'(?!\w)/g, ' ');
}

/** One pass to rule out most text: no causal verb and no fault word means no finding. */
const ANY = new RegExp(
  `\\b(?:${CAUSAL_VERBS})\\b|(?:human|operator|user|pilot) error|should(?:'ve| have)|fault|careless|negligen|incompeten|to blame`,
  'i',
);

export function findBlame(text: string): BlameFinding[] {
  if (!ANY.test(text)) return [];
  const findings: BlameFinding[] = [];
  for (const sentence of sentences(text)) {
    const found = (reason: BlameFinding['reason'], phrase: string): void => {
      if (!findings.some((f) => f.sentence === sentence && f.reason === reason))
        findings.push({ sentence, reason, phrase, suggestion: suggestionFor(reason, phrase) });
    };
    for (const m of sentence.matchAll(PERSON_CAUSE)) {
      const who = m[1]!.split(' ')[0]!;
      if (NOT_PEOPLE.has(who) || COMMON.has(who)) continue;
      found('person_as_cause', `${m[1]} ${m[2]}`);
    }
    for (const m of sentence.matchAll(ROLE_CAUSE)) found('person_as_cause', m[0]);
    for (const m of sentence.matchAll(HUMAN_ERROR)) found('human_error', m[0]);
    for (const m of sentence.matchAll(HINDSIGHT)) found('hindsight', m[0]);
    for (const m of sentence.matchAll(FAULT)) found('fault', m[0]);
  }
  return findings;
}

const COMMON = new Set([
  'Traffic',
  'Latency',
  'Memory',
  'Disk',
  'Load',
  'Everything',
  'Nothing',
  'Payment',
  'Database',
  'Cache',
  'Redis',
  'Kafka',
  'Service',
  'Server',
  'Pod',
  'Node',
  'Cluster',
  'Upstream',
  'Downstream',
  'Rollback',
  'Rollout',
  'Retry',
  'Retries',
  'Autoscaler',
  'Scheduler',
]);

const CLAUSES = /(?<=[.!?])\s+|\s+[—–]\s+|\s+-\s+|;\s+|,?\s+(?:and now|so now|and then|which means|so)\s+/;

/**
 * The text without its clauses that blame a person: "Dave pushed a bad config and now login is down"
 * → "login is down". What is left reports what happened, not who did it.
 */
export function withoutBlame(text: string): string {
  if (findBlame(text).length === 0) return text;
  return text
    .split(CLAUSES)
    .map((c) => c.trim())
    .filter((c) => c && findBlame(c).length === 0)
    .join('. ')
    .replace(/\.\.+/g, '.')
    .trim();
}
