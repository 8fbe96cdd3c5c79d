import { AUDIENCES, type Audience } from '../core/audiences.js';
import { extractSignals, type Extraction, type ServiceHint } from '../severity/extract.js';
import { findBlame, withoutBlame, withoutQuotes } from '../incident/blameless.js';

/** What a user message asks for, read deterministically from its words. */
export interface Reading {
  /** The message describes a production problem (symptoms, failures, users affected). */
  report: boolean;
  /** The message without its sentences about blame: what it reports. */
  facts: string;
  extraction: Extraction;
  pushback: {
    skipRoles: boolean;
    skipSeverity: boolean;
    blame: boolean;
    /** "The first error in the log is the root cause." */
    firstError: boolean;
  };
  wants: {
    statusUpdate: Audience[] | null;
    actionItem: boolean;
    postmortem: boolean;
    oncall: { teamSize: number | null } | null;
    status: boolean;
  };
  mentionedIncident: string | null;
  reporter: string | null;
}

const has = (text: string, patterns: readonly RegExp[]): boolean => patterns.some((p) => p.test(text));

const PROBLEM = [
  /\b(?:5\d\d|5xx)s?\b/,
  /\berrors?\b/,
  /\bexceptions?\b/,
  /\bfail(?:s|ing|ed|ures?)?\b/,
  /\bdown\b/,
  /\boutage\b/,
  /\bunavailable\b/,
  /\bbroken\b/,
  /\bcan(?:no|')t\b/,
  /\bunable to\b/,
  /\bnot (?:working|loading|responding)\b/,
  /\bslow(?:ness)?\b/,
  /\blatency\b/,
  /\btime ?outs?\b/,
  /\btiming out\b/,
  /\bcrash(?:es|ing|looping)?\b/,
  /\b(?:alert|page)s? (?:is |are )?(?:firing|fired)\b/,
  /\bgot paged\b/,
  /\bpaged\b/,
  /\bspik(?:e|es|ing)\b/,
  /\bdegraded\b/,
  /\bdata loss\b/,
  /\bbreach\b/,
  /\bleak(?:ed)?\b/,
  /\bcorrupt/,
  /\bincident\b/,
  /\bon fire\b/,
  /\bdisk (?:is )?(?:\d+% )?full\b/,
  /\bfilling up\b/,
  /\bexpir(?:es|ing|ed)\b/,
];
const QUESTION_ONLY = [
  /^(?:how|what|why|should|can you explain|explain|tell me about|what's the best way|do we|does|is it|are|can'?t we|can we|could we|would it|shall we)\b[^?]*\?\s*$/,
  /^(?:how|what|why|explain|tell me about)\b/,
];
const SKIP_ROLES = [
  /\bskip (?:the )?(?:roles?|process|ceremony|formalities|bureaucracy)\b/,
  /\bno time for (?:roles?|process|this|that)\b/,
  /\b(?:forget|never ?mind|ignore) (?:the )?(?:roles?|process)\b/,
  /\bjust (?:start )?(?:debug|debugging|fix|fixing|dig|digging|look|troubleshoot)/,
  /\blet'?s (?:just )?(?:start )?(?:debug|debugging|troubleshoot|dig in)/,
  /\bdebug (?:it )?first\b/,
  /\b(?:roles?|process) (?:can|could) wait\b/,
  /\bdon'?t need (?:roles|a commander|an ic)\b/,
];
const SKIP_SEVERITY = [
  /\bskip (?:the )?sev(?:erity)?\b/,
  /\b(?:don'?t|do not|no need to) (?:bother )?(?:with )?(?:classify|classifying|the )?sev(?:erity)?\b/,
  /\bsev(?:erity)? (?:doesn'?t|does not) matter\b/,
  /\bforget (?:the )?sev(?:erity)?\b/,
  /\bno time for (?:a )?sev(?:erity)?\b/,
  /\bwithout (?:a )?sev(?:erity)?\b/,
];
const BLAME = [
  /\bwho(?:se)? (?:fault|did (?:this|it)|broke|caused|is (?:to blame|responsible)|screwed up|messed up)\b/,
  /\bwhose (?:fault|mistake)\b/,
  /\bblame\b/,
  /\b(?:his|her|their|[a-z]+'s) fault\b/,
  /\bhuman error\b/,
  /\b(?:fire|discipline|punish|write up)\b.*\b(?:him|her|them|engineer|dev|developer)\b/,
  /\b[A-Z][a-z]+ (?:broke|screwed up|messed up|caused)\b/,
  /\bshould have (?:known|checked|tested|caught)\b/,
];
const FIRST_ERROR = [
  /\bfirst error\b/,
  /\bfirst (?:thing|line|exception|stack ?trace) in the logs?\b/,
  /\b(?:the )?root cause (?:is|was|must be)\b/,
  /\bthat'?s (?:the|our) root cause\b/,
  /\b(?:it'?s|it is|must be|obviously) (?:the|a) [\w-]+ (?:error|exception|timeout)\b.*\broot cause\b/,
  /\bfound the (?:root )?cause\b/,
];
const POSTMORTEM = [
  /\bpost[- ]?mortem\b/,
  /\bpostmortem\b/,
  /\bretro(?:spective)?\b/,
  /\bincident review\b/,
  /\brca\b/,
  /\broot cause analysis\b/,
  /\bafter[- ]action\b/,
  /\bwrite[- ]?up\b/,
];
const ACTION_ITEM = [
  /\baction items?\b/,
  /\bfollow[- ]?ups?\b/,
  /\bto-?dos?\b/,
  /\btrack (?:this|that|a fix)\b/,
  /\bcreate (?:a )?(?:ticket|task)\b/,
  /\bowner\b.*\bdue\b/,
  /\bdue\b.*\bowner\b/,
];
const ONCALL = [/\bon[- ]?call\b/, /\brotation\b/, /\bpager (?:schedule|duty rota)\b/, /\brota\b/];
const STATUS_UPDATE = [
  /\b(?:status|stakeholder) update\b/,
  /\bupdate (?:for|to) (?:the )?(?:execs?|executives?|leadership|customers?|engineering|engineers|stakeholders)\b/,
  /\b(?:draft|write|send|post|prepare|give me)\b[^.?!]{0,40}?\bupdate\b/,
  /\bwhat (?:do|should) (?:i|we) tell (?:the )?(?:customers|execs|executives|leadership|management|stakeholders)\b/,
  /\bstatus ?page\b/,
];
const STATUS = [
  /^(?:status|where are we|what'?s the status|what is the status|sitrep|recap|summary)\??$/,
  /\bwhere (?:are|do) we stand\b/,
  /\bwhat needs (?:attention|doing)\b/,
  /\bwhat'?s overdue\b/,
];

const NUMBER_WORDS: Record<string, number> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
};

function teamSize(lower: string): number | null {
  const m =
    /\b(?:team|group|rotation|squad) of (\d{1,3}|[a-z]+)\b/.exec(lower) ??
    /\b(\d{1,3}|[a-z]+) (?:engineers|people|person|devs|developers|sres|members|folks)\b/.exec(lower);
  if (!m) return null;
  const n = NUMBER_WORDS[m[1]!] ?? Number(m[1]);
  return Number.isInteger(n) && n > 0 && n <= 200 ? n : null;
}

/** Audiences a message names; all of them when it names none. */
export function audiencesIn(lower: string): Audience[] {
  const out = new Set<Audience>();
  if (/\b(?:execs?|executives?|leadership|management|ceo|cto|vp)\b/.test(lower)) out.add('executive');
  if (/\b(?:customers?|users?|status ?page|public)\b/.test(lower)) out.add('customer');
  if (/\b(?:engineering|engineers|eng|responders|tech(?:nical)?)\b/.test(lower)) out.add('engineering');
  return out.size ? AUDIENCES.filter((a) => out.has(a)) : [...AUDIENCES];
}

/** Reads a user message. Deterministic: the same words always give the same reading. */
export function readMessage(text: string, services: readonly ServiceHint[]): Reading {
  const lower = text.toLowerCase();
  const extraction = extractSignals(text, services);
  const oncall =
    has(lower, ONCALL) &&
    !/\b(?:the )?on[- ]?call (?:engineer|person|is|was|got)\b/.test(lower) &&
    (/\b(?:set ?up|design|build|plan|create|organi[sz]e|structure|schedule|good|fair|sustainable|how)\b/.test(lower) ||
      teamSize(lower) !== null);
  const questionOnly =
    has(lower, QUESTION_ONLY) && !extraction.services.length && extraction.signals.state === undefined;
  const isBlame = (t: string): boolean =>
    has(t, BLAME) || has(t.toLowerCase(), BLAME) || findBlame(withoutQuotes(t)).length > 0;
  const blame = isBlame(text);
  // "Who caused this outage?" asks about blame and reports nothing; "Dave pushed a bad config and now
  // login is down" reports a problem and blames someone. Only the clauses that do not blame can report.
  const facts = blame
    ? withoutBlame(
        text
          .split(/(?<=[.?!])\s+|\s+[—–]\s+|\s+-\s+/)
          .filter((part) => !(has(part, BLAME) || has(part.toLowerCase(), BLAME)))
          .join(' '),
      )
    : text;
  const factSignals = facts === text ? extraction.signals : extractSignals(facts, services).signals;
  const signalled =
    factSignals.state !== undefined || factSignals.dataLoss === true || factSignals.securityBreach === true;
  const report =
    !oncall &&
    !questionOnly &&
    (signalled ||
      (has(facts.toLowerCase(), PROBLEM) && /\bincident\b|\bpaged\b|\balerts?\b/.test(facts.toLowerCase())));
  return {
    report,
    facts: facts.trim() || text,
    extraction,
    pushback: {
      skipRoles: has(lower, SKIP_ROLES),
      skipSeverity: has(lower, SKIP_SEVERITY),
      blame,
      firstError: has(lower, FIRST_ERROR),
    },
    wants: {
      statusUpdate: has(lower, STATUS_UPDATE) ? audiencesIn(lower) : null,
      actionItem: has(lower, ACTION_ITEM),
      postmortem: has(lower, POSTMORTEM),
      oncall: oncall ? { teamSize: teamSize(lower) } : null,
      status: has(lower.trim(), STATUS),
    },
    mentionedIncident: /\binc-?(\d{1,9})\b/i.exec(text) ? `INC-${Number(/\binc-?(\d{1,9})\b/i.exec(text)![1])}` : null,
    reporter: /\b(?:I'?m|I am|[Tt]his is) ([A-Z][a-z]{1,20})\b/.exec(text)?.[1] ?? null,
  };
}
