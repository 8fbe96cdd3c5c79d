import type { SignalName, Signals } from './signals.js';

/** What the extractor may know about a service from the services config. */
export interface ServiceHint {
  name: string;
  aliases: readonly string[];
  customerFacing?: boolean | undefined;
  revenuePath?: boolean | undefined;
  criticalFunction?: boolean | undefined;
}

export interface Extraction {
  signals: Signals;
  /** The phrase each signal was read from ("config:payment-api" when it came from the services config). */
  evidence: Partial<Record<SignalName, string>>;
  /** Configured services named in the text, in order of appearance. */
  services: string[];
  /** Service-like names in the text that are not configured ("payment API" → "payment-api"). */
  mentioned: string[];
}

const NEGATION =
  /\b(?:no|not|without|never|zero|isn't|aren't|wasn't|weren't|hasn't|haven't|didn't|doesn't|nothing|none)\b[^.;!?]{0,24}$/;

function negated(text: string, index: number): boolean {
  return NEGATION.test(text.slice(Math.max(0, index - 40), index));
}

/** First match of any pattern that is not negated, as [phrase, negatedPhrase]. */
function find(text: string, patterns: readonly RegExp[]): { hit?: string; negatedHit?: string } {
  const out: { hit?: string; negatedHit?: string } = {};
  for (const pattern of patterns) {
    for (const m of text.matchAll(new RegExp(pattern.source, 'gi'))) {
      if (negated(text, m.index)) out.negatedHit ??= m[0];
      else {
        out.hit ??= m[0];
        return out;
      }
    }
  }
  return out;
}

const CUSTOMER = [
  /\bcustomers?\b/,
  /\b(?:end[- ])?users?\b/,
  /\bclients?\b/,
  /\bshoppers?\b/,
  /\bbuyers?\b/,
  /\bmerchants?\b/,
  /\bsubscribers?\b/,
  /\bpublic (?:site|api|website)\b/,
  /\b(?:web ?site|storefront|mobile app|our app)\b/,
  /\bstatus ?page\b/,
];
const INTERNAL = [
  /\binternal(?:ly)?(?: only| tool| system| dashboard| service)?\b/,
  /\bstaging\b/,
  /\bdev(?:elopment)? (?:env|environment|cluster)\b/,
  /\bci (?:pipeline|runners?)\b/,
  /\bbuild (?:system|pipeline)\b/,
  /\bemployees? only\b/,
  /\bno (?:customer|user)[- ]impact\b/,
  /\bnot customer[- ]facing\b/,
];
const REVENUE = [
  /\bcheck(?:ing)?[- ]?outs?\b/,
  /\bpayments?\b/,
  /\bpay\b/,
  /\bbilling\b/,
  /\binvoic\w*/,
  /\bpurchas\w*/,
  /\borders?\b/,
  /\bordering\b/,
  /\bcart\b/,
  /\bsubscriptions?\b/,
  /\brevenue\b/,
  /\btransactions?\b/,
  /\bsign[- ]?ups?\b/,
  /\bcard (?:processing|payments?)\b/,
];
const CRITICAL = [
  /\blog ?in\b/,
  /\blogins?\b/,
  /\bsign[- ]?in\b/,
  /\bauth(?:entication)?\b/,
  /\bsso\b/,
  /\bpassword reset\b/,
  /\bcore api\b/,
  /\bpublic api\b/,
  /\bapi gateway\b/,
  /\bdns\b/,
];
const DATA_LOSS = [
  /\bdata loss\b/,
  /\blost (?:\w+ )?(?:data|records|orders|rows|messages|events)\b/,
  /\b(?:data|records|rows|orders|messages) (?:\w+ )?(?:was|were|is|are|got|been) (?:\w+ )?(?:deleted|lost|corrupted|wiped|dropped)\b/,
  /\bcorrupt(?:ed|ion)?\b/,
  /\bmissing (?:data|records|orders|rows|transactions)\b/,
  /\bdropped (?:the )?(?:[\w-]+ )?(?:table|database|collection|index)\b/,
  /\btruncated (?:the )?(?:[\w-]+ )?table\b/,
  /\bdeleted (?:the )?(?:[\w-]+ )?(?:table|database|bucket|records|rows)\b/,
];
const SECURITY = [
  /\bbreach(?:ed)?\b/,
  /\bleak(?:ed|ing)?\b/,
  /\bexposed (?:\w+ )?(?:credentials|keys|secrets|tokens|data|pii|passwords)\b/,
  /\bunauthori[sz]ed (?:access|login|requests?)\b/,
  /\bcompromised\b/,
  /\bintrusion\b/,
  /\bexfiltrat\w*/,
  /\bransomware\b/,
  /\bsecurity (?:incident|issue|breach)\b/,
  /\bstolen (?:credentials|keys|tokens)\b/,
];
const DOWN = [
  /\bhard down\b/,
  /\b(?:nobody|no one|none of (?:our|the) (?:users|customers)) can\b/,
  /\b(?:is|are|went|goes) down\b/,
  /\boutage\b/,
  /\bunavailable\b/,
  /\bunreachable\b/,
  /\b5\d\d(?:s|'s)?\b/,
  /\b5xx\b/,
  /\breturning errors\b/,
  /\bfail(?:s|ing|ed|ures?)\b/,
  /\bcan(?:no|')t\b/,
  /\bcan not\b/,
  /\bunable to\b/,
  /\bnot (?:loading|working|responding)\b/,
  /\bbroken\b/,
  /\bcrash(?:es|ing|looping)?\b/,
  /\bcompletely\b/,
  /\btotal(?:ly)? (?:outage|failure)\b/,
  /\berrors?\b/,
];
const DEGRADED = [
  /\bslow(?:ness|er|ly)?\b/,
  /\blatency\b/,
  /\btime ?outs?\b/,
  /\btiming out\b/,
  /\bintermittent(?:ly)?\b/,
  /\bsporadic(?:ally)?\b/,
  /\bflak(?:y|iness)\b/,
  /\bdegraded\b/,
  /\bpartial(?:ly)?\b/,
  /\belevated\b/,
  /\bsome (?:requests|users|customers)\b/,
  /\bp9\d\b/,
  /\bspik(?:e|es|ing)\b/,
  /\blag(?:ging)?\b/,
  /\bretries\b/,
];
const AT_RISK = [
  /\b(?:disk|volume|storage|memory|quota|inodes?|connection pool|certificate|cert)\b[^.;]{0,40}?\b(?:\d{2,3}% )?(?:full|filling|exhausted|nearly out|running out|expir\w*)\b/,
  /\b\d{2,3}% (?:full|used|utili[sz]ed)\b/,
  /\bfilling up\b/,
  /\b(?:will|about to|going to) (?:expire|run out|fill|fail)\b/,
  /\bexpir(?:es|ing) (?:in|soon|tomorrow)\b/,
  /\brunning out\b/,
  /\bno (?:customer |user )?impact yet\b/,
  /\bapproaching (?:the )?(?:limit|capacity|quota)\b/,
  /\bnear(?:ly)? (?:full|capacity|the limit)\b/,
];
const WHOLE =
  /\b(?:all|every|every single) (?:users?|customers?|requests?|traffic|regions?)\b|\beveryone\b|\bnobody can\b|\bno one can\b|\bcompletely\b|\b100 ?% of\b|\bhard down\b|\btotal outage\b/i;
const HARD_FAILURE =
  /\b(?:nobody|no one) can\b|\bcan(?:no|')t\b|\bcan not\b|\bunable to\b|\bhard down\b|\boutage\b|\bunavailable\b|\bunreachable\b/i;
const PARTIAL =
  /\b(?:some|a few|a handful of|a small number of|several|intermittent(?:ly)?|sporadic(?:ally)?|partial(?:ly)?)\b/i;
const WORKAROUND = [/\bwork[- ]?around\b/, /\bretry(?:ing)? works\b/, /\bfallback works\b/, /\bcan still\b/];

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function servicePattern(name: string): RegExp {
  const words = name
    .toLowerCase()
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map(escapeRegex);
  return new RegExp(`\\b${words.join('[-_\\s]?')}\\b`, 'i');
}

/** A share of users or requests: "30% of requests", "error rate 12%". A disk "85% full" is not one. */
function percent(text: string): { value: number; phrase: string } | undefined {
  const share =
    /(\d{1,3}(?:\.\d+)?)\s?%\s*(?:of\s+)?(?:our\s+|the\s+|all\s+)?(?:users|customers|requests|traffic|sessions|calls|checkouts|logins|transactions|orders|payments)\b/.exec(
      text,
    ) ??
    /\b(?:error|failure|fail|timeout) rate[^.;%\d]{0,20}(\d{1,3}(?:\.\d+)?)\s?%/.exec(text) ??
    /(\d{1,3}(?:\.\d+)?)\s?%\s+(?:of\s+\w+\s+)?(?:fail|error|time out|timing out)/.exec(text);
  if (share && Number(share[1]) <= 100) return { value: Number(share[1]), phrase: share[0] };
  const whole = WHOLE.exec(text);
  if (whole) return { value: 100, phrase: whole[0] };
  const words: [RegExp, number][] = [
    [/\b(?:most|the majority of) (?:users|customers|requests)\b/i, 75],
    [/\bhalf (?:of )?(?:our |the )?(?:users|customers|requests)\b/i, 50],
    [/\b(?:a few|a handful of|a small number of) (?:users|customers|requests)\b/i, 2],
  ];
  for (const [pattern, value] of words) {
    const w = pattern.exec(text);
    if (w) return { value, phrase: w[0] };
  }
  return undefined;
}

function duration(text: string): { minutes: number; phrase: string } | undefined {
  const m =
    /\b(?:for(?: the (?:last|past))?|since|about|over)\s+(\d+(?:\.\d+)?|an?|one|two|three|half an)\s*(minutes?|mins?|hours?|hrs?|h|m)\b(?:\s+ago)?/i.exec(
      text,
    ) ?? /\b(\d+(?:\.\d+)?)\s*(minutes?|mins?|hours?|hrs?)\s+ago\b/i.exec(text);
  if (!m) return undefined;
  const words: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, 'half an': 0.5 };
  const n = words[m[1]!.toLowerCase()] ?? Number(m[1]);
  const unit = m[2]!.toLowerCase().startsWith('h') ? 60 : 1;
  return { minutes: Math.round(n * unit), phrase: m[0] };
}

/**
 * Reads impact signals out of a free-text incident report. Deterministic and conservative:
 * a signal is set only when a phrase supports it, and a negated phrase ("no data loss") sets it false.
 */
export function extractSignals(text: string, services: readonly ServiceHint[] = []): Extraction {
  const lower = text.toLowerCase();
  const signals: Signals = {};
  const evidence: Partial<Record<SignalName, string>> = {};
  const set = <K extends SignalName>(name: K, value: Signals[K], phrase: string): void => {
    if (signals[name] !== undefined) return;
    signals[name] = value;
    evidence[name] = phrase;
  };
  const flag = (
    name: 'dataLoss' | 'securityBreach' | 'revenuePath' | 'criticalFunction' | 'workaroundAvailable',
    patterns: readonly RegExp[],
  ): void => {
    const { hit, negatedHit } = find(lower, patterns);
    if (hit) set(name, true, hit);
    else if (negatedHit) set(name, false, `not ${negatedHit}`);
  };

  const internal = find(lower, INTERNAL);
  const customer = find(lower, CUSTOMER);
  if (internal.hit) set('customerFacing', false, internal.hit);
  else if (customer.hit) set('customerFacing', true, customer.hit);

  flag('revenuePath', REVENUE);
  flag('criticalFunction', CRITICAL);
  flag('dataLoss', DATA_LOSS);
  flag('securityBreach', SECURITY);
  flag('workaroundAvailable', WORKAROUND);

  const down = find(lower, DOWN);
  const degraded = find(lower, DEGRADED);
  const atRisk = find(lower, AT_RISK);
  const hardFailure = WHOLE.test(lower) || HARD_FAILURE.test(lower);
  if (down.hit && (hardFailure || (!degraded.hit && !PARTIAL.test(lower)))) set('state', 'down', down.hit);
  else if (down.hit || degraded.hit) set('state', 'degraded', degraded.hit ?? down.hit!);
  else if (atRisk.hit) set('state', 'at_risk', atRisk.hit);

  const pct = percent(lower);
  if (pct) set('usersAffectedPct', pct.value, pct.phrase);
  const dur = duration(lower);
  if (dur) set('durationMinutes', dur.minutes, dur.phrase);

  const named = services
    .map((s) => {
      const indexes = [s.name, ...s.aliases]
        .map((n) => servicePattern(n).exec(text)?.index)
        .filter((i): i is number => i !== undefined);
      return { s, index: indexes.length ? Math.min(...indexes) : -1 };
    })
    .filter((x) => x.index >= 0)
    .sort((a, b) => a.index - b.index)
    .map((x) => x.s);
  for (const s of named) {
    const source = `config:${s.name}`;
    if (s.customerFacing !== undefined) set('customerFacing', s.customerFacing, source);
    if (s.revenuePath) set('revenuePath', true, source);
    if (s.criticalFunction) set('criticalFunction', true, source);
  }
  // Checkout, payments, sign-up: revenue paths are customer-facing by nature.
  if (signals.revenuePath === true && signals.customerFacing === undefined && !internal.hit)
    set('customerFacing', true, `revenue path (${evidence.revenuePath})`);
  const configured = new Set(named.map((s) => s.name));
  const mentioned = [...text.matchAll(SERVICE_LIKE)]
    .map((m) => `${m[1]!.toLowerCase()}-${m[2]!.toLowerCase() === 'database' ? 'db' : m[2]!.toLowerCase()}`)
    .filter(
      (name, i, all) => !configured.has(name) && all.indexOf(name) === i && !GENERIC_WORDS.has(name.split('-')[0]!),
    );
  return { signals, evidence, services: named.map((s) => s.name), mentioned };
}

const SERVICE_LIKE =
  /\b([a-z][a-z0-9]{2,30})[ -](api|service|svc|db|database|worker|gateway|queue|cluster|frontend|backend|proxy)\b/gi;
const GENERIC_WORDS = new Set([
  'the',
  'our',
  'this',
  'that',
  'their',
  'your',
  'main',
  'whole',
  'entire',
  'public',
  'internal',
  'core',
  'every',
  'some',
  'any',
  'its',
  'his',
  'her',
  'new',
  'old',
]);
