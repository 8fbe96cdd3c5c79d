import { frameAt, frames, type ClauseFrame } from './clauses.js';
import { mostlyForeign } from './foreign.js';
import { COMMON_WORDS, type Concept } from './lexicon.js';
import { counts, shares, type Share } from './numbers.js';
import { type KnownPeople, personAt } from './people.js';
import { roleAssignments, type RoleAssignment } from './roles.js';
import { type Mention, scan, vocabulary } from './scan.js';
import { changeReference, configuredServices, serviceLikeNames, type ServiceHint } from './services.js';
import { spans, startTime, type Moment } from './time.js';
import { joinTokens, tokenize, type Tokenized } from './tokens.js';
import { readAlert, type PastedAlert } from './alerts.js';
import { readActionItem, type ActionItemReading } from './action-item.js';
import { readBlame, type BlameReading, withoutBlame } from './blame.js';
import { title } from './summary.js';

export const INTENTS = [
  'report',
  'observation',
  'change',
  'mitigation',
  'recovered',
  'impact',
  'roles',
  'update_request',
  'no_news',
  'hypothesis',
  'action_item',
  'status',
  'postmortem',
  'oncall',
  'runbook',
  'slo',
  'severity',
  'blame',
  'skip_process',
  'question',
  'other',
] as const;
export type Intent = (typeof INTENTS)[number];

export const KINDS = [
  'security',
  'data_integrity',
  'deploy',
  'capacity',
  'third_party',
  'network_dns',
  'availability',
  'latency',
  'other',
] as const;
export type IncidentKind = (typeof KINDS)[number];

export type Audience = 'engineering' | 'executive' | 'customer';
export type Severity = 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';

/** What is wrong, as a seasoned incident commander hears it. */
export interface Condition {
  /** failing: broken for whoever hits it; degraded: slow or partly failing; at_risk: not yet; recovered: over. */
  state: 'failing' | 'degraded' | 'at_risk' | 'recovered' | null;
  /** Everyone, everything, every region, "sales flat". */
  wide: boolean;
  /** Some users, one region, intermittently. */
  partial: boolean;
  /** Customers see it (true), only staff do (false), or nothing says (null). */
  customerFacing: boolean | null;
  revenuePath: boolean;
  criticalFunction: boolean;
  /** Credentials or keys in the wrong hands, unauthorised access, data left public, an intruder. */
  security: boolean;
  /** Data lost, corrupted or wrong. */
  dataLoss: boolean;
  /** Explicitly ruled out: "no data lost", "not a security thing", "no customer impact". */
  ruledOut: ('security' | 'data_loss' | 'customer_facing')[];
  workaround: boolean;
  share: Share | null;
  /** How many people or things, when a count was given ("3 merchants"). */
  count: number | null;
}

export interface ChangeReading {
  /** The version, release or build named ("v4.1"). */
  ref: string | null;
  /** The service or component it belongs to, as written ("cart"). */
  subject: string | null;
  /** When it went out, if said ("the 09:32 release"). */
  at: Date | null;
  /** The message ties the symptoms to it ("lines up with", "right after"). */
  correlated: boolean;
}

export interface MitigationReading {
  kind: 'rollback' | 'restart' | 'failover' | 'scale' | 'disable' | 'block' | 'other';
  /** Done ("we rolled back", "hotfix out"), rather than proposed ("should we roll back?", "going to", "roll back now"). */
  done: boolean;
  /** Under way but not finished ("restoring from backup", "rolling back now"). */
  underway: boolean;
  /** Ruled out or deferred: "don't roll back yet", "not failing back until…". */
  declined: boolean;
  phrase: string;
}

export interface HypothesisReading {
  statement: string;
  /** Minutes already spent on it ("25 minutes in"). */
  elapsedMinutes: number | null;
  verdict: 'confirmed' | 'ruled_out' | null;
  owner: string | null;
}

export interface SeverityRequest {
  /** The level asked for, when one is named. */
  level: Severity | null;
  direction: 'up' | 'down' | null;
}

/** Everything the language layer read from one message. Deterministic: the same words, the same reading. */
export interface Reading {
  /** The text as read (control characters removed, bounded). */
  text: string;
  intents: Intent[];
  /** The message asks something (of the commander or the channel). */
  question: boolean;
  condition: Condition;
  kind: IncidentKind | null;
  /** When the impact started, when the message says. */
  started: Moment | null;
  /** How long the impact has lasted so far, in minutes, when said or implied by a start time. */
  durationMinutes: number | null;
  roles: RoleAssignment[];
  /** Roles the message asks to fill ("need someone on comms", "who's IC?"). */
  rolesWanted: RoleAssignment['role'][];
  /** The audiences an update is asked for, most specific first. */
  audiences: Audience[];
  change: ChangeReading | null;
  mitigation: MitigationReading | null;
  /** Impact is going down but not over ("graph is recovering"). */
  improving: boolean;
  /**
   * Recovery confirmed ("back to normal", "all green for 20 minutes"), or only partial ("gerrit back",
   * "stable"), and for how long; close: the team wants to wrap up.
   */
  recovery: { confirmed: boolean; partial: boolean; forMinutes: number | null; close: boolean } | null;
  hypothesis: HypothesisReading | null;
  actionItem: ActionItemReading | null;
  blame: BlameReading;
  pushback: { skipRoles: boolean; skipSeverity: boolean; firstError: boolean };
  severityRequest: SeverityRequest | null;
  /** Configured services named, in order. */
  services: string[];
  /** Service-like names that are not configured ("auth-service"). */
  mentioned: string[];
  incidentId: string | null;
  /** A short, readable title for what is wrong ("Checkout failing for every shopper"), or null. */
  title: string | null;
  /** What is affected, in plain words ("checkout", "password reset", "search"), from what fails; null when nothing says. */
  subject: string | null;
  /** The kind of affected thing, for customer-safe wording. */
  subjectKind: 'revenue' | 'critical' | 'surface' | null;
  alert: PastedAlert | null;
  /** The words each finding came from, for explanations and tests. */
  evidence: Partial<Record<string, string>>;
  /** The input was cut to the reading bound (a long paste). */
  truncated: boolean;
  /** Mostly written in a language other than English. */
  foreign: boolean;
  /** Asks for a particular runbook ("is there a runbook for…", "pull up the runbook"), not about runbooks in general. */
  runbookLookup: boolean;
}

export interface ReadOptions {
  now: Date;
  services?: readonly ServiceHint[] | undefined;
  people?: KnownPeople | undefined;
  /** An incident is open in this conversation: new facts are about it. */
  active?: boolean | undefined;
}

const ROLE_CONCEPTS: Partial<Record<Concept, RoleAssignment['role']>> = {
  roleIc: 'incident_commander',
  roleComms: 'communications_lead',
  roleTech: 'technical_lead',
  roleScribe: 'scribe',
};

/** Reads one message. Never throws; a message it cannot place reads as `other`. */
export function read(input: string, options: ReadOptions): Reading {
  const alert = readAlert(input);
  const body = alert ? `${alert.summary}\n${input}` : input;
  const text = tokenize(body);
  const mentions = scan(text);
  const frame = frames(text);
  const lower = text.text.toLowerCase();
  const now = options.now;
  const evidence: Record<string, string> = {};
  const live = (m: Mention): boolean => {
    const f = frameAt(frame, m);
    return !m.negated && !f.hypothetical && !(f.question && isPractice(mentions, m.sentence)) && !f.past;
  };
  const find = (...concepts: Concept[]): Mention[] => mentions.filter((m) => concepts.includes(m.concept));
  const note = (key: string, ms: readonly Mention[]): void => {
    if (ms[0] && !evidence[key]) evidence[key] = ms[0].words;
  };

  const services = configuredServices(text.text, options.services ?? []);
  const condition = readCondition(
    text,
    mentions,
    frame,
    lower,
    services.map((s) => s.hint),
    live,
    note,
  );
  const recoveredMentions = find('recovered').filter(
    (m) => !m.negated && !frameAt(frame, m).question && !frameAt(frame, m).hypothetical,
  );
  const closing = find('close').filter((m) => !m.negated && !frameAt(frame, m).hypothetical);
  const improving = find('improving').some((m) => !m.negated && !frameAt(frame, m).question);
  // "chasing the db theory for 40 minutes" says how long the chase is, not when the impact began.
  const chasing = mentions.some((m) => (m.concept === 'hypothesis' || m.concept === 'investigate') && !m.negated);
  const started = startTime(lower, now, { spans: !chasing });
  const durations = spans(lower);
  const roles = roleAssignments(text.sentences, mentions, options.people ?? {});
  const rolesWanted = readRolesWanted(text, mentions, roles);
  const audiences = readAudiences(text, mentions, lower);
  const change = readChange(text, mentions, frame, lower, now);
  const mitigation = readMitigation(text, mentions, frame);
  const hypothesis = readHypothesis(text, mentions, lower, options.people ?? {});
  const actionItem = readActionItem(text, mentions, lower, now, options.people ?? {});
  const blame = readBlame(text, mentions, options.people ?? {});
  const severityRequest = readSeverityRequest(lower, mentions);
  const incidentId = /\binc[-\s#]?(\d{1,9})\b/i.exec(text.text);

  // "back to normal", "all green", "no errors for an hour" say the impact is over; "gerrit back", "stable" say part is.
  const strong = recoveredMentions.length > 0 || noErrorsFor(mentions, durations);
  const recovery =
    condition.state === 'recovered' || closing.length || noErrorsFor(mentions, durations)
      ? {
          confirmed: (condition.state === 'recovered' && strong) || noErrorsFor(mentions, durations),
          partial: condition.state === 'recovered' && !strong,
          forMinutes: durations.find((d) => d.kind === 'for' || d.kind === 'in')?.minutes ?? null,
          close: closing.length > 0,
        }
      : null;
  if (recovery?.confirmed) note('recovered', recoveredMentions.length ? recoveredMentions : closing);

  const durationMinutes = started
    ? Math.max(0, Math.round((now.getTime() - started.at.getTime()) / 60_000))
    : (durations.find((d) => d.kind === 'for')?.minutes ?? null);

  const reading: Reading = {
    text: text.text,
    intents: [],
    question: text.sentences.some((s) => s.question),
    condition,
    kind: null,
    started,
    durationMinutes,
    roles,
    rolesWanted,
    audiences,
    change,
    mitigation,
    improving,
    recovery,
    hypothesis,
    actionItem,
    blame,
    pushback: readPushback(mentions, lower),
    severityRequest,
    services: services.map((s) => s.name),
    mentioned: serviceLikeNames(text.text, new Set(services.map((s) => s.name))),
    incidentId: incidentId ? `INC-${Number(incidentId[1])}` : null,
    title: null,
    subject: null,
    subjectKind: null,
    alert,
    evidence,
    truncated: text.truncated,
    foreign: mostlyForeign(text.text, (w) => COMMON_WORDS.has(w) || vocabulary().has(w)),
    runbookLookup:
      /\brunbooks? (?:for|on|about)\b|\b(?:which|what(?:'s| is) the|is there an?|do we have an?|got an?|find (?:me )?(?:the |a )?|show (?:me )?(?:the )?|pull up (?:the )?|open (?:the )?|link (?:to )?(?:the )?|where(?:'s| is) the) runbook\b/.test(
        lower,
      ),
  };
  reading.kind = readKind(reading, mentions, live);
  reading.intents = readIntents(reading, text, mentions, frame, lower, options.active === true, live);
  // The title says what is wrong, never who did it: written from the text without its blaming clauses.
  reading.title = blame.findings.length ? titleWithoutBlame(body, reading) : title(text, mentions, reading);
  const subject = subjectOf(mentions);
  reading.subject = subject?.words ?? null;
  reading.subjectKind = subject?.kind ?? null;
  return reading;
}

function titleWithoutBlame(body: string, reading: Pick<Reading, 'alert' | 'condition'>): string | null {
  const clean = tokenize(withoutBlame(body));
  return title(clean, scan(clean), reading);
}

/** What fails, named by its most specific mention: a revenue path, then a critical function, then a surface. */
function subjectOf(mentions: readonly Mention[]): { words: string; kind: 'revenue' | 'critical' | 'surface' } | null {
  const failing = mentions.filter(
    (m) => !m.negated && (m.concept === 'outage' || m.concept === 'errors' || m.concept === 'slow'),
  );
  const near = (m: Mention): number =>
    Math.min(...failing.map((f) => (f.sentence === m.sentence ? Math.abs(f.start - m.start) : 100)), 100);
  for (const kind of ['revenue', 'critical', 'surface'] as const) {
    const candidates = mentions
      .filter(
        (m) =>
          m.concept === kind &&
          !m.negated &&
          !/^(?:service|server|servers|production|prod|platform|page|pages|region|regions|everything)$/.test(m.words),
      )
      .sort((a, b) => near(a) - near(b));
    if (candidates[0] && (near(candidates[0]) < 100 || !failing.length)) return { words: candidates[0].words, kind };
  }
  return null;
}

/** "no errors for an hour", "zero 5xx since 10:20": recovery told as an absence. */
function noErrorsFor(mentions: readonly Mention[], durations: readonly { kind: string }[]): boolean {
  return (
    mentions.some((m) => m.negated && (m.concept === 'errors' || m.concept === 'outage')) &&
    durations.some((d) => d.kind === 'for' || d.kind === 'in')
  );
}

function clauseText(text: Tokenized, m: Mention): string {
  const clause = text.sentences[m.sentence]?.clauses.find((c) => c.tokens[0]!.clause === m.clause);
  return (clause?.text ?? '').toLowerCase();
}

function isPractice(mentions: readonly Mention[], sentence: number): boolean {
  return mentions.some((m) => m.concept === 'practice' && m.sentence === sentence);
}

const IDIOMS_AFTER_ALL = new Set([
  'green',
  'good',
  'clear',
  'fine',
  'ok',
  'okay',
  'set',
  'done',
  'the time',
  'day',
  'week',
  'night',
  'hands',
  'over',
  'along',
  'sudden',
  'right',
  'of a sudden',
]);
const STILL_WORKS =
  /\b(?:is|are|'s|still|seem|seems|look|looks|itself|themselves|otherwise)?\s*(?:fine|ok|okay|unaffected|untouched|not affected|working fine|works|working|go(?:es)? through|normal|healthy|correct|good)\b(?!\s+(?:for|since|until|again))/;
const CUSTOMER_SIDE =
  /\b(?:prod(?:uction)?|customers?|users?|customer app|the site|the app|cx|external|public|end users|players|shoppers)\b/;
const WHOLE_PRODUCT =
  /^(?:site|website|web site|app|web app|webapp|platform|prod|production|homepage|home page|storefront|api|public api|everything|frontend|service)$/;
const CROSS_OWNER =
  /^(?:else|people|person|user|users|customer|customers|tenant|tenants|org|orgs|organisation|organization|account|accounts|merchant|merchants|member|members|patient|patients|client|clients|player|players|employee|employees|citizen|citizens|company|companies|school|schools|site|sites|shop|shops)$/;
const CROSS_DETERMINER =
  /^(?:someone|somebody|another|other|different|wrong|random|whoever|strangers?|unrelated|others)$/;
const BARE_QUANTIFIER =
  /^(?:some|a few|few|several|a couple|couple of|handful|a bunch of|some of|a subset|subset|certain|random)$/;
const NEGATING_UNIVERSALS = /^(?:nothing|nobody|no one|noone|no-one|none)$/;
const LOW_IMPACT =
  /\b(?:not blocking|nobody(?:'s| is)? (?:using|uses|affected|blocked)|no one(?:'s| is)? (?:using|affected|blocked)|no impact|zero impact|no real impact|low impact|minor|cosmetic|purely (?:a )?(?:display|visual|cosmetic)|builds? still pass)/;
const MONITORING =
  /\b(?:dashboard|status ?page|health|monitor\w*|grafana|datadog|synthetics?|uptime|pingdom|probe|checks?)\b/;

/** Universal on their own, wherever the failure is said: "everyone", "nationwide", "全国". */
const STANDALONE_UNIVERSAL =
  /^(?:everyone|everybody|everything|globally|worldwide|everywhere|sitewide|site-wide|site wide|100%|100 %|nationwide|nation wide|countrywide|country-wide|country wide|statewide|across the country|across the us|across europe|across england|across the uk|whole country|entire country|every state|in every state|all over the country|all states|landelijk|heel nederland|partout|partout en france|toute la france|bundesweit|deutschlandweit|in ganz deutschland|todo el pais|en todo el pais|todo o pais|em todo o pais|w calym kraju|caly kraj|in tutta italia|全国|全国的|전국|전체|전부|全部|全て|すべて)$/;

const MONEY = /\b(?:funds|money|eth|btc|usdc|usdt|wallet|wallets|balance|balances|crypto|tokens?|coins?)\b/;

/** "our staff payroll file was taken", "the keys were copied": data as the subject of a taking. */
function passiveTaking(text: Tokenized, taken: readonly Mention[]): boolean {
  return taken.some((m) => {
    const before = text.tokens[m.start - 1]?.word ?? '';
    return /^(?:was|were|been|be|is|are|got|get)$/.test(before);
  });
}

/**
 * "their note says ransomware", "ukg's private cloud is down from a ransomware attack", "aws says ddos
 * on route 53": another company's security incident, which reaches us as an outage.
 */
function vendorOwned(text: Tokenized, mentions: readonly Mention[], m: Mention): boolean {
  const sentence = text.sentences[m.sentence]!;
  const words = sentence.tokens.map((t) => t.word);
  const theirs = words.some((w) =>
    /^(?:their|theirs|supplier|suppliers|provider|providers|vendor|vendors|upstream)$/.test(w),
  );
  const vendorNamed = mentions.some(
    (x) =>
      x.concept === 'thirdParty' &&
      x.sentence === m.sentence &&
      (text.tokens[x.end - 1]?.apostropheS ||
        /^(?:says|say|said|reports?|reported|confirms?|confirmed)$/.test(text.tokens[x.end]?.word ?? '')),
  );
  return theirs || vendorNamed;
}

/** "our /22 is being hijacked: AS17557 is announcing a /24", "the route leak": routing, not a breach. */
function routing(mentions: readonly Mention[], m: Mention): boolean {
  return (
    /^(?:hijack|hijacked|leak|leaked|leaking)$/.test(m.words) &&
    mentions.some((x) => x.concept === 'network' && Math.abs(x.sentence - m.sentence) <= 1)
  );
}

/** "now", "again", "since 10:40", "for 20 min": words that make a "looks fine" an end of trouble. */
const RECOVERY_MARKER =
  /\b(?:now|again|since|back|anymore|any more|for \d+|for (?:a few|several|the last)|at last|finally)\b/;

/**
 * "10x normal", "above normal", "way over forecast": a comparison that uses a recovery word.
 * "over" ends trouble only at the end of its clause ("it's over", "over now").
 */
function comparison(text: Tokenized, m: Mention): boolean {
  const before = text.tokens[m.start - 1];
  const after = text.tokens[m.end];
  const sameClause = (t: (typeof text.tokens)[number] | undefined): boolean =>
    t !== undefined && t.sentence === m.sentence && t.clause === text.tokens[m.start]?.clause;
  if (
    sameClause(before) &&
    /^(?:\d+(?:\.\d+)?x|x|above|below|than|over|under|twice|thrice|times|way|well|far|of)$/.test(before!.word)
  )
    return true;
  if (
    m.words === 'over' &&
    sameClause(after) &&
    !/^(?:now|already|finally|thankfully|folks|all|everyone|guys|team|y'all)$/.test(after!.word)
  )
    return true;
  return false;
}

function readCondition(
  text: Tokenized,
  mentions: readonly Mention[],
  frame: readonly ClauseFrame[],
  lower: string,
  hints: readonly ServiceHint[],
  live: (m: Mention) => boolean,
  note: (key: string, ms: readonly Mention[]) => void,
): Condition {
  const of = (...concepts: Concept[]): Mention[] => mentions.filter((m) => concepts.includes(m.concept));
  const liveOf = (...concepts: Concept[]): Mention[] => of(...concepts).filter(live);
  const failures = liveOf('outage', 'errors', 'slow').filter((m) => !frameAt(frame, m).modal);
  const outage = failures.filter((m) => m.concept === 'outage');
  const errors = failures.filter((m) => m.concept === 'errors');
  const slow = failures.filter((m) => m.concept === 'slow');
  const risk = [...liveOf('risk'), ...of('outage', 'errors', 'slow').filter((m) => live(m) && frameAt(frame, m).modal)];
  const sameClause = (a: Mention, b: Mention): boolean => a.sentence === b.sentence && a.clause === b.clause;
  const sameSentence = (a: Mention, b: Mention): boolean => a.sentence === b.sentence;

  // "newer phones fine", "bc3 works", "purchases still go through": a sentence that says part of it works.
  const fineSentences = new Set(
    text.sentences
      .map((s, i) => ({ s, i }))
      .filter(
        ({ s, i }) =>
          STILL_WORKS.test(s.text.toLowerCase()) &&
          !failures.some((f) => f.sentence === i && !STILL_WORKS.test(clauseText(text, f))),
      )
      .map(({ i }) => i),
  );
  const fineClause = (m: Mention): boolean =>
    STILL_WORKS.test(clauseText(text, m)) ||
    (fineSentences.has(m.sentence) && !failures.some((f) => f.sentence === m.sentence));
  const customerSideFine = [...fineSentences].some((i) => CUSTOMER_SIDE.test(text.sentences[i]!.text.toLowerCase()));
  const someoneFine =
    fineSentences.size > 0 ||
    text.sentences.some(
      (s) => STILL_WORKS.test(s.text.toLowerCase()) && failures.some((f) => f.sentence !== text.sentences.indexOf(s)),
    );

  // Everyone, everything, every region: a universal word where something fails, or a quantifier over what fails.
  const universal = of('universal').filter(
    (m) =>
      !m.negated &&
      !frameAt(frame, m).hypothetical &&
      !fineClause(m) &&
      (!NEGATING_UNIVERSALS.test(m.words) || failures.some((f) => f.start <= m.start && f.end >= m.end)) &&
      (failures.some((f) => sameClause(f, m)) || (STANDALONE_UNIVERSAL.test(m.words) && failures.length > 0)),
  );
  const quantified = of('all').filter((q) => {
    if (q.negated || fineClause(q)) return false;
    const next = text.tokens[q.end]?.word ?? '';
    if (IDIOMS_AFTER_ALL.has(next)) return false;
    // "every handset in the US showing SOS only. no voice, no data": the failure may follow in the next sentence.
    const inSentence = failures.filter((f) => sameSentence(f, q));
    const failingHere = inSentence.length ? inSentence : failures.filter((f) => f.sentence === q.sentence + 1);
    const overPeople = of('population', 'surface', 'revenue', 'critical').some(
      (p) => sameClause(p, q) && p.start > q.start && p.start <= q.end + 3,
    );
    // "all 5 nodes at 100% cpu" is saturation, not everyone down; "every colo serving 502s" is.
    return overPeople ? failingHere.length > 0 || risk.length === 0 : failingHere.some((f) => f.concept === 'outage');
  });
  const salesFlat =
    /\b(?:sales|orders|revenue|signups|checkouts|traffic|conversions?|payments|transactions)\b[^.!?\n]{0,30}\b(?:flat|flatlined|flat-?lined|to zero|zeroed|dropped to (?:0|zero|nothing)|at zero|cratered|tanked|fell off a cliff|nosedived|went flat|stopped)\b/.test(
      lower,
    );
  // "some users", "a few merchants": a bare quantifier is partial scope only over people or things that fail.
  const partialWords = of('some').some(
    (m) =>
      !m.negated &&
      (!BARE_QUANTIFIER.test(m.words) ||
        of('population', 'surface', 'revenue', 'critical', 'dataNoun').some(
          (p) => p.sentence === m.sentence && p.start >= m.end && p.start <= m.end + 3,
        )),
  );
  // "the site is down", "prod is dead", "the app is crash looping": the whole product failing is everyone's outage.
  const wholeProduct = of('surface').some((m) => {
    if (!WHOLE_PRODUCT.test(m.words) || fineClause(m)) return false;
    const before = text.tokens[m.start - 1];
    const determined =
      !before ||
      before.sentence !== m.sentence ||
      before.clause !== m.clause ||
      /^(?:the|our|entire|whole|main|prod|production)$/.test(before.word);
    return determined && outage.some((f) => sameClause(f, m));
  });
  const wide =
    ((universal.length > 0 || quantified.length > 0 || wholeProduct) && !someoneFine && !partialWords) || salesFlat;
  const partial = !wide && (partialWords || (someoneFine && failures.length > 0));

  // Over: a recovery after the last failure ("503s for 4 min, came back on its own"), never a green dashboard.
  const recoveries = of('recovered', 'recoveredWeak').filter((m) => {
    if (m.negated || frameAt(frame, m).question || frameAt(frame, m).hypothetical) return false;
    if (comparison(text, m)) return false;
    const clause = clauseText(text, m);
    if (MONITORING.test(clause) && /green|ok|healthy|fine|normal/.test(m.words)) return false;
    // "older models look fine" beside a failure told in the present describes scope, not an end.
    const fineOnly = m.concept === 'recoveredWeak' && /fine|ok|okay|good|normal|healthy|green/.test(m.words);
    return !(fineOnly && !RECOVERY_MARKER.test(clause) && failures.some((f) => !frameAt(frame, f).past));
  });
  const lastFailure = Math.max(-1, ...failures.map((f) => f.start));
  const recovered = recoveries.some((r) => r.start > lastFailure) || (recoveries.length > 0 && failures.length === 0);

  const cosmetic = of('cosmetic').some((m) => !m.negated);
  const lowImpact = LOW_IMPACT.test(lower);
  const hard = outage.length > 0 || salesFlat;
  let state: Condition['state'] = null;
  if (recovered) state = 'recovered';
  else if (cosmetic && !hard) state = null;
  else if (
    hard &&
    (wide ||
      !partial ||
      outage.some((m) => /nobody|no one|can not|cannot|unable|down|dead|offline|outage/.test(m.words)))
  )
    state = 'failing';
  else if (hard || errors.length || slow.length) state = hard && !slow.length && !partial ? 'failing' : 'degraded';
  else if (risk.length) state = 'at_risk';
  if (state === 'failing' && lowImpact) state = 'degraded';
  if (state) note('state', state === 'at_risk' ? risk : state === 'recovered' ? recoveries : failures);

  const internal = of('internal').filter((m) => !m.negated);
  const customerish = of('population').filter((m) => !m.negated && !frameAt(frame, m).hypothetical && !fineClause(m));
  const customerDenied = of('population').some((m) => m.negated) || customerSideFine;
  const surfaces = of('surface', 'revenue', 'critical').filter((m) => !m.negated && !fineClause(m));
  const internalClauses = new Set(internal.map((m) => `${m.sentence}:${m.clause}`));
  const publicSurfaces = surfaces.filter(
    (m) =>
      !internalClauses.has(`${m.sentence}:${m.clause}`) &&
      !/^(?:servers?|services?|platforms?|production|prod|dashboards?|regions?|tools?|tooling|pages?)$/.test(m.words),
  );
  const ruledOut: Condition['ruledOut'] = [];
  let customerFacing: boolean | null = null;
  if (customerish.length && !customerSideFine) {
    customerFacing = true;
    note('customerFacing', customerish);
  } else if (
    (internal.length || customerDenied) &&
    (customerSideFine || customerDenied || publicSurfaces.length === 0)
  ) {
    customerFacing = false;
    note('customerFacing', internal.length ? internal : customerish);
    if (customerDenied || internal.some((m) => /\b(?:no|not|unaffected|fine|untouched|nobody|no one)\b/.test(m.words)))
      ruledOut.push('customer_facing');
  } else if (hints.some((h) => h.customerFacing !== undefined)) {
    const config = hints.find((h) => h.customerFacing !== undefined)!;
    customerFacing = config.customerFacing!;
    note('customerFacing', [
      { concept: 'internal', start: 0, end: 0, sentence: 0, clause: 0, negated: false, words: `config:${config.name}` },
    ]);
  } else if ((state === 'failing' || state === 'degraded') && (publicSurfaces.length || wide)) {
    // A public surface failing ("the site", "checkout", "every region from the edge") is seen by customers; so is "everything".
    customerFacing = true;
    note('customerFacing', publicSurfaces.length ? publicSurfaces : universal.length ? universal : quantified);
  }
  const revenue = of('revenue').filter((m) => !m.negated && !fineClause(m));
  const critical = of('critical').filter((m) => !m.negated && !fineClause(m));
  note('revenuePath', revenue);
  note('criticalFunction', critical);

  // A breach: strong words, or something sensitive gone where it should not be.
  // A vulnerability is reported in "could" terms ("anyone could log in as anyone"): only a negation rules it out.
  const strongSecurity = of('security').filter(
    (m) =>
      !m.negated &&
      !(frameAt(frame, m).question && isPractice(mentions, m.sentence)) &&
      m.words !== 'security' &&
      !/^security (?:team|review|patch|update|scan|here)/.test(m.words),
  );
  const exposedStrong = of('exposed').filter(live);
  const exposedWeak = of('exposedWeak').filter(live);
  const secretStrong = of('secret').filter((m) => !m.negated);
  const secretWeak = of('secretWeak').filter((m) => !m.negated);
  const exposure =
    exposedStrong.some((e) => [...secretStrong, ...secretWeak].some((x) => sameSentence(x, e))) ||
    exposedWeak.some((e) => secretStrong.some((x) => sameSentence(x, e)));
  // "someone else's payments", "other people's account pages", "another customer's invoices": data crossing accounts.
  const crossAccount = text.tokens.some(
    (t, i) =>
      (t.apostropheS || /['’]$/.test(t.text)) &&
      CROSS_OWNER.test(t.word) &&
      CROSS_DETERMINER.test(text.tokens[i - 1]?.word ?? '') &&
      !text.tokens[i - 1]!.apostropheS,
  );
  // "two support agents exporting customer records … none of their tickets", "posting card fields to
  // baways.com (not us)", "selling 15M emails": data or money taken by whoever should not have it.
  const valuables = [...of('dataNoun', 'secret', 'secretWeak'), ...of('revenue').filter((m) => MONEY.test(m.words))];
  // Told in the past is still ours to handle: "the file was taken last week".
  const taken = of('taking').filter(
    (m) =>
      !m.negated &&
      !frameAt(frame, m).question &&
      !frameAt(frame, m).hypothetical &&
      valuables.some((v) => !v.negated && sameSentence(v, m) && Math.abs(v.start - m.start) <= 8),
  );
  const strangers = of('stranger').filter((m) => !m.negated || /^(?:none|no|not|was not|wasnt)/.test(m.words));
  const theft =
    taken.some((m) => /^(?:sell|steal|exfiltrate|stole|stolen|walk off with|make off with)/.test(m.words)) ||
    (taken.length > 0 && (strangers.length > 0 || exposedStrong.length > 0 || passiveTaking(text, taken)));
  // Another company's breach that reaches us only as an outage is theirs; one that reaches our access is ours.
  const ours = strongSecurity.filter(
    (m) => !(failures.length > 0 && vendorOwned(text, mentions, m)) && !routing(mentions, m),
  );
  const security =
    ours.length > 0 || exposure || crossAccount || theft || (strongSecurity.length > 0 && secretStrong.length > 0);
  if (security) note('securityBreach', strongSecurity.length ? strongSecurity : [...exposedStrong, ...exposedWeak]);
  if (!security && of('security', 'exposed').some((m) => m.negated)) ruledOut.push('security');

  const loss = of('dataLoss').filter(live);
  const verbOnly = (m: Mention): boolean =>
    /^(?:delete|deleted|wipe|wiped|purge|purged|truncate|truncated|overwrite|overwritten|erase|erased|gone|vanish|vanished|disappear|disappeared|duplicated|missing|twice|two times|mixed up|swapped|clobber|clobbered|runaway|out of control|stop it|keeps firing|keep firing|wont stop|will not stop)$/.test(
      m.words,
    ) || /^(?:doesnt|does not|dont|do not) match$|^disagree$/.test(m.words);
  // "deleted the cache", "the job is gone": a bare verb is data loss only next to what holds data.
  const near = (v: Mention): boolean =>
    of('dataNoun', 'secret', 'secretWeak', 'revenue').some(
      (n) => n.sentence === v.sentence && Math.abs(n.start - v.start) <= 6 && !n.negated,
    );
  const dataLoss = loss.some((m) => !verbOnly(m)) || loss.filter(verbOnly).some(near);
  if (dataLoss) note('dataLoss', loss);
  if (!dataLoss && of('dataLoss').some((m) => m.negated)) ruledOut.push('data_loss');

  const share = shares(lower)[0] ?? null;
  const count = counts(lower)[0]?.count ?? null;
  const workaround =
    /\b(?:work ?-?around|retry(?:ing)? works|works on retry|fallback works|can still|still able to|still works via)\b/.test(
      lower,
    );
  return {
    state,
    wide,
    partial,
    customerFacing,
    revenuePath: revenue.length > 0 || hints.some((h) => h.revenuePath === true),
    criticalFunction: critical.length > 0 || hints.some((h) => h.criticalFunction === true),
    security,
    dataLoss,
    ruledOut,
    workaround,
    share,
    count,
  };
}

function readKind(r: Reading, mentions: readonly Mention[], live: (m: Mention) => boolean): IncidentKind | null {
  const has = (c: Concept): boolean => mentions.some((m) => m.concept === c && !m.negated);
  const c = r.condition;
  if (c.security) return 'security';
  if (c.dataLoss) return 'data_integrity';
  if (r.change?.correlated) return 'deploy';
  if (!c.state && !r.change) return has('security') ? 'security' : null;
  if (has('thirdParty') && mentions.some((m) => m.concept === 'thirdParty' && !m.negated && live(m)))
    return 'third_party';
  if (has('network')) return 'network_dns';
  if (has('capacity') || c.state === 'at_risk') return 'capacity';
  if (r.change) return 'deploy';
  // Slow, with at most some timeouts: a latency incident.
  const hardFailures = mentions.filter(
    (m) => m.concept === 'outage' && live(m) && !/^(?:time ?outs?|timeout|timing out|time out)$/.test(m.words),
  );
  if (mentions.some((m) => m.concept === 'slow' && live(m)) && !hardFailures.length) return 'latency';
  return c.state ? 'availability' : 'other';
}

function readRolesWanted(
  text: Tokenized,
  mentions: readonly Mention[],
  given: readonly RoleAssignment[],
): RoleAssignment['role'][] {
  const out: RoleAssignment['role'][] = [];
  for (const m of mentions) {
    const role = ROLE_CONCEPTS[m.concept];
    if (!role || given.some((g) => g.role === role) || out.includes(role)) continue;
    const s = text.sentences[m.sentence]!;
    const words = s.tokens.map((t) => t.word);
    if (
      s.question ||
      words.some(
        (w) => w === 'need' || w === 'needs' || w === 'someone' || w === 'anyone' || w === 'volunteer' || w === 'who',
      )
    )
      out.push(role);
  }
  return out;
}

function readAudiences(text: Tokenized, mentions: readonly Mention[], lower: string): Audience[] {
  const out: Audience[] = [];
  const add = (a: Audience): void => {
    if (!out.includes(a)) out.push(a);
  };
  for (const m of mentions) {
    if (m.negated) continue;
    if (m.concept === 'audienceExecutive') add('executive');
    if (m.concept === 'audienceCustomer' && !/^(?:user|users)$/.test(m.words)) add('customer');
  }
  if (/\b(?:customers?|users?)\b/.test(lower) && /\b(?:tell|say|update|message|email|notify|inform)\b/.test(lower))
    add('customer');
  for (const m of mentions) if (!m.negated && m.concept === 'audienceEngineering') add('engineering');
  void text;
  return out;
}

function readChange(
  text: Tokenized,
  mentions: readonly Mention[],
  frame: readonly ClauseFrame[],
  lower: string,
  now: Date,
): ChangeReading | null {
  const changes = mentions.filter((m) => (m.concept === 'change' || m.concept === 'deployWords') && !m.negated);
  const correlated = mentions.some((m) => m.concept === 'correlate' && !m.negated);
  const ref = changeReference(text.text);
  if (!changes.length && !(ref && correlated)) return null;
  // "change" or "version" alone is not a deploy: it takes a deploy word, a reference, or timing.
  const deployish =
    changes.some((m) => !/^(?:change|version|build|commit|pr|flag|bump)$/.test(m.words)) || ref !== null;
  if (!deployish && !correlated) return null;
  let at: Date | null = null;
  const clock = /\b([01]?\d|2[0-3]):([0-5]\d)\b/.exec(lower);
  if (clock && changes.some((m) => Math.abs(text.tokens[m.start]!.index - m.start) < 50)) {
    const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    let ms = day + (Number(clock[1]) * 60 + Number(clock[2])) * 60_000;
    if (ms > now.getTime() + 600_000) ms -= 86_400_000;
    at = new Date(ms);
  }
  void frame;
  return { ref: ref?.ref ?? null, subject: ref?.subject ?? null, at, correlated };
}

const COMPLETE =
  /\b(?:done|out|live|in place|applied|complete|completed|finished|deployed|shipped|merged|on|off|now|through|succeeded|worked|went out|rolled out)\b/;
const IRREGULAR_PAST = /^(?:rolledback|did|went|came|undid|put|set|shut|cut|took|drew|threw|ran|got|made|kept|held)$/;

const MITIGATION_KINDS: [RegExp, MitigationReading['kind']][] = [
  [/\b(?:roll|rolled|rolling)\s*back|rollback|revert|undo/, 'rollback'],
  [/restart|bounce|reboot|recycle|redeploy|kick/, 'restart'],
  [/fail|switch|flip|move|shift|drain|reroute|redirect|evacuate|failback/, 'failover'],
  [/scale|add capacity|add nodes|add replicas|add pods|add instances|increase|bump|raise/, 'scale'],
  [/disable|turn off|switch off|kill|pause|stop/, 'disable'],
  [/block|ban|blocklist|firewall|rate limit|throttle|shed|revoke|rotate|isolate|quarantine/, 'block'],
];

function readMitigation(
  text: Tokenized,
  mentions: readonly Mention[],
  frame: readonly ClauseFrame[],
): MitigationReading | null {
  const found = mentions.filter((m) => m.concept === 'mitigate');
  if (!found.length) return null;
  const m = found.find((x) => !x.negated) ?? found[0]!;
  const f = frameAt(frame, m);
  const sentence = text.sentences[m.sentence]!;
  const words = sentence.tokens.map((t) => t.word);
  const declined =
    m.negated ||
    words.some(
      (w, i) =>
        (w === 'hold' && words[i + 1] === 'off') ||
        w === 'instead' ||
        (w === 'rather' && words[i + 1] === 'than') ||
        w === 'avoid',
    );
  const token = text.tokens[m.start]!;
  const clause = sentence.tokens.filter((t) => t.clause === m.clause).map((t) => t.word);
  const planned =
    f.modal ||
    clause.some(
      (w, i) =>
        (w === 'let' && clause[i + 1] === 'us') ||
        w === 'lets' ||
        w === 'plan' ||
        w === 'planning' ||
        ((w === 'going' || w === 'about' || w === 'need' || w === 'want') && clause[i + 1] === 'to'),
    ) ||
    // "roll back now", "restart the pods": an imperative at the head of the clause asks for it.
    (clause[0] === token.word && !/(?:ed|ing)$/.test(token.word) && !COMPLETE.test(clause.slice(1).join(' ')));
  // "we rolled back", "hotfix out", "failover complete", "kill done": finished; "rolling back now": under way.
  const finished = /ed$/.test(token.word) || IRREGULAR_PAST.test(token.word) || COMPLETE.test(clause.join(' '));
  const underway = /ing$/.test(token.word) && !finished;
  const done = !declined && !f.question && !f.hypothetical && !planned && finished;
  const kind = MITIGATION_KINDS.find(([re]) => re.test(m.words))?.[1] ?? 'other';
  return {
    kind,
    done,
    underway: !declined && !f.question && !f.hypothetical && !planned && underway,
    declined,
    phrase: joinTokens(sentence.tokens.filter((t) => t.clause === m.clause)),
  };
}

const THEORY_NOUNS = /^(?:hypothesis|hypotheses|theory|idea|suspicion|hunch|guess|lead|angle)$/;
const LEAD_IN = new Set([
  'been',
  'chasing',
  'chase',
  'looking',
  'look',
  'at',
  'into',
  'on',
  'digging',
  'dig',
  'testing',
  'test',
  'checking',
  'check',
  'investigating',
  'still',
  'the',
  'a',
  'an',
  'our',
  'this',
  'that',
  'with',
  'about',
  'for',
  'pursuing',
  'working',
  'we',
  'i',
  'are',
  'is',
  'am',
  'have',
  'has',
  'be',
  'was',
  'were',
  'going',
  'down',
  'my',
  'his',
  'her',
  'their',
  'current',
  'leading',
  'main',
  'new',
  'first',
  'second',
  'next',
  'following',
]);

function readHypothesis(
  text: Tokenized,
  mentions: readonly Mention[],
  lower: string,
  people: KnownPeople,
): HypothesisReading | null {
  const theory = mentions.filter((m) => m.concept === 'hypothesis' && !m.negated);
  const confirmed = mentions.some((m) => m.concept === 'confirmed' && !m.negated);
  const ruledOut =
    mentions.some((m) => m.concept === 'ruledOut' && !m.negated) ||
    mentions.some((m) => m.concept === 'confirmed' && m.negated);
  const durations = spans(lower);
  const elapsed = durations.find(
    (s) =>
      s.kind === 'in' || (s.kind === 'for' && /\b(?:been|on|at|spent|stuck|chasing|digging|looking)\b/.test(lower)),
  );
  if (!theory.length && !confirmed && !ruledOut) return null;
  const anchor = theory[0] ?? mentions.find((m) => m.concept === 'confirmed' || m.concept === 'ruledOut')!;
  const sentence = text.sentences[anchor.sentence]!;
  const clause = sentence.tokens.filter((t) => t.clause === anchor.clause);
  const after = sentence.tokens.filter((t) => t.index >= anchor.end);
  const drop = (s: string): string =>
    durations
      .reduce((acc, d) => acc.replace(d.phrase, ''), s)
      .replace(/\s+/g, ' ')
      .replace(/^(?:that|is|be|it'?s|:|-)\s+/i, '')
      .replace(/^[\s,;:.-]+|[\s,;:.-]+$/g, '')
      .trim();
  let statement = drop(joinTokens(after));
  // "chasing the database theory for 40 minutes": the claim is named before the noun, not after it.
  if (THEORY_NOUNS.test(anchor.words) && statement.split(/\s+/).filter(Boolean).length < 2) {
    const before = clause.filter((t) => t.index < anchor.start);
    let k = 0;
    for (let n = 0; n < before.length; n++) if (LEAD_IN.has(before[n]!.word)) k = n + 1;
    const named = joinTokens(before.slice(k));
    if (named) statement = `${named} ${anchor.words}`;
  }
  const first = sentence.tokens[0];
  const owner =
    first && ['is', 'be', 'will', 'can'].includes(sentence.tokens[1]?.word ?? '')
      ? personAt(first, people, !first.capitalized)
      : null;
  return {
    statement: (statement || sentence.text).slice(0, 300),
    elapsedMinutes: elapsed?.minutes ?? null,
    verdict: confirmed && !ruledOut ? 'confirmed' : ruledOut ? 'ruled_out' : null,
    owner: owner && owner !== 'me' ? owner : null,
  };
}

function readSeverityRequest(lower: string, mentions: readonly Mention[]): SeverityRequest | null {
  const named = /\b(?:sev|severity|p)\s*-?\s*([1-4])\b/.exec(lower);
  const up = /\b(?:upgrade|bump|raise|escalate|up)\b/.test(lower);
  const down = /\b(?:downgrade|lower|drop|de-?escalate|down to|reduce)\b/.test(lower);
  if (!named && !mentions.some((m) => m.concept === 'severity' && !m.negated)) return null;
  const level = named ? (`SEV${named[1]}` as Severity) : null;
  return { level, direction: up && !down ? 'up' : down && !up ? 'down' : null };
}

function readPushback(mentions: readonly Mention[], lower: string): Reading['pushback'] {
  const skip = mentions.filter((m) => m.concept === 'skip' && !m.negated);
  const aboutSeverity = /\b(?:sev(?:erity)?|classif\w*|priority)\b/.test(lower);
  const aboutRoles =
    /\b(?:roles?|process|ic|commander|ceremony|formalities|bureaucracy|paperwork|comms|scribe|red tape)\b/.test(lower);
  const justDo =
    /\b(?:just (?:fix|debug|dig|look|get|start|troubleshoot|roll)|let'?s just|debug first|fix (?:it )?first|no time for)\b/.test(
      lower,
    );
  const firstError =
    /\b(?:first (?:error|exception|stack ?trace|line|thing) (?:in|from) the logs?|first error\b)/.test(lower) &&
    /\b(?:root cause|cause|culprit|it'?s|must be|that'?s)\b/.test(lower);
  return {
    skipRoles: skip.length > 0 && (aboutRoles || justDo) && !(aboutSeverity && !aboutRoles && !justDo),
    skipSeverity: skip.length > 0 && aboutSeverity,
    firstError,
  };
}

function readIntents(
  r: Reading,
  text: Tokenized,
  mentions: readonly Mention[],
  frame: readonly ClauseFrame[],
  lower: string,
  active: boolean,
  live: (m: Mention) => boolean,
): Intent[] {
  const out: Intent[] = [];
  const add = (i: Intent, when: boolean): void => {
    if (when && !out.includes(i)) out.push(i);
  };
  const has = (c: Concept): boolean => mentions.some((m) => m.concept === c && !m.negated);
  const words = text.tokens.map((t) => t.word);
  const onlyQuestion = r.question && text.sentences.every((s) => s.question);
  const practice = has('practice') && onlyQuestion;
  const c = r.condition;
  const problem = c.state !== null || c.security || c.dataLoss || r.alert?.firing === true;
  // "do we have a runbook for when kafka loses a broker?", "error budget burnt, do we freeze?": readiness, not a new incident.
  const readiness =
    ['runbook', 'slo', 'oncall', 'postmortem'].some((t) => has(t as Concept)) || (has('severity') && onlyQuestion);
  const newProblem =
    problem &&
    !practice &&
    !(onlyQuestion && !c.state && !c.security && !c.dataLoss) &&
    !(readiness && !c.security && !c.dataLoss && !c.wide);

  add('blame', r.blame.asks || r.blame.findings.length > 0);
  // "Add an action item: alert on checkout error rate" names a task, not a new failure.
  const itemOnly = r.actionItem !== null && mentions.some((m) => m.concept === 'actionItem' && !m.negated);
  add('skip_process', r.pushback.skipRoles || r.pushback.skipSeverity);
  // "who caused this outage?" asks about blame; "checkout is down — who broke it?" also reports.
  const asking = (m: Mention): boolean => {
    const s = text.sentences[m.sentence]!;
    if (!s.question) return false;
    const clause = s.clauses.find((c) => c.tokens[0]!.clause === m.clause);
    return clause === s.clauses.at(-1) || (clause?.tokens.some((t) => t.word === 'who' || t.word === 'whose') ?? false);
  };
  const statedFailure = mentions.some(
    (m) => ['outage', 'errors', 'slow', 'security', 'dataLoss'].includes(m.concept) && !m.negated && !asking(m),
  );
  const blameQuestion = r.blame.asks && !statedFailure;
  if (!active) add('report', newProblem && !itemOnly && !blameQuestion);
  else
    add(
      'report',
      newProblem &&
        /\b(?:another|separate|different|unrelated|second|new) (?:incident|issue|problem|outage)\b/.test(lower),
    );
  // "should the IC ever fix things?" with no incident is a question about practice, not a role to fill.
  add(
    'roles',
    r.roles.length > 0 ||
      (r.rolesWanted.length > 0 && (active || /\b(?:need|needs|someone|anyone|volunteer)\b/.test(lower))),
  );
  const updateAsked =
    (has('update') &&
      (r.audiences.length > 0 || r.question || /\b(?:draft|write|send|post|prepare|need|give|want)\b/.test(lower))) ||
    /\b(?:what (?:do|should|can) (?:i|we) (?:tell|say to|post|write)|status ?page\s*[:\-–]|status ?page (?:text|update|post|copy|wording)|(?:is|are|keeps?) asking|wants? (?:to know|an update)|ping(?:ing)? (?:me|us) for)\b/.test(
      lower,
    ) ||
    (r.audiences.some((a) => a !== 'engineering') && /\b(?:asking|wants|tell|update|know|summary|ask)\b/.test(lower));
  add('update_request', updateAsked && !has('postmortem'));
  add('no_news', has('noNews'));
  add(
    'recovered',
    r.recovery !== null &&
      (r.recovery.confirmed || r.recovery.close) &&
      !(r.question && !r.recovery.close && onlyQuestion),
  );
  add('mitigation', r.mitigation !== null && !r.mitigation.declined);
  add('mitigation', r.mitigation?.declined === true && active);
  add('change', r.change !== null && (r.change.correlated || r.change.ref !== null || active));
  add(
    'hypothesis',
    r.hypothesis !== null && (active || r.hypothesis.verdict !== null || has('hypothesis')) && !practice,
  );
  add('action_item', r.actionItem !== null);
  add(
    'impact',
    !itemOnly &&
      ((r.started !== null && active) ||
        (c.share !== null && active) ||
        (active &&
          c.customerFacing !== null &&
          /\b(?:customer|user)s?\b[^.]{0,30}\b(?:see|seeing|affected|impacted|hit|notic\w*|facing|complain\w*|report\w*)\b|\bcustomer[- ]facing\b/.test(
            lower,
          ))),
  );
  if (!active && newProblem) add('impact', r.started !== null || c.share !== null || c.wide);
  add('status', has('status') && (r.question || words.length <= 4) && !updateAsked);
  add('postmortem', has('postmortem'));
  add(
    'oncall',
    has('oncall') &&
      !/\b(?:the )?on[- ]?call (?:engineer|person|is|was|got|just|has|said)\b/.test(lower) &&
      (practice ||
        r.question ||
        /\b(?:set ?up|design|build|plan|create|make|structure|fair|sustainable|team of|rotation for)\b/.test(lower)),
  );
  add('runbook', has('runbook'));
  add('slo', has('slo'));
  add(
    'severity',
    r.severityRequest !== null &&
      (r.question || r.severityRequest.level !== null || r.severityRequest.direction !== null) &&
      !newProblem,
  );
  if (active && !itemOnly && !blameQuestion) {
    const observed =
      problem ||
      mentions.some(
        (m) => live(m) && ['errors', 'slow', 'outage', 'improving', 'capacity', 'network'].includes(m.concept),
      ) ||
      /\d/.test(lower) ||
      /\b(?:seeing|see|saw|logs?|graph|dashboard|metrics?|shows?|showing|looks|noticed|found)\b/.test(lower);
    add(
      'observation',
      observed &&
        !out.some(
          (i) => i === 'update_request' || i === 'status' || i === 'postmortem' || (i === 'roles' && !problem),
        ) &&
        !onlyQuestion,
    );
  }
  // A first message in another language that we cannot place is most likely someone reporting: open, and ask.
  add('report', !active && r.foreign && out.length === 0 && text.text.trim().length >= 12);
  add('question', r.question && out.length === 0 && !has('chatter') && text.tokens.some((t) => /\p{L}/u.test(t.word)));
  add('question', practice && !out.includes('question'));
  add('other', out.length === 0);
  void frame;
  return out;
}
