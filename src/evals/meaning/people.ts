import { tokens, type Token } from './text.js';

/** A reference to a person (or a group of people) in a sentence. */
export interface PersonRef {
  text: string;
  index: number;
  end: number;
  /** "Dave's", "his", "your": the next words name something of theirs. */
  possessive: boolean;
  kind: 'name' | 'handle' | 'noun' | 'pronoun' | 'you' | 'team';
}

/**
 * Capitalised words that are not people: incident vocabulary, products and common sentence openers.
 * A capitalised word that is none of these, in a sentence, is read as a name.
 */
const NOT_NAMES = new Set(
  `
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december utc gmt am pm
sev severity incident incidents commander communications comms lead leads technical tech scribe ic roles role
customer customers engineering engineer engineers executive executives exec execs status page update updates impact
timeline summary action actions item items owner owners due root cause causes next immediate stakeholder stakeholders
post-mortem postmortem post mortem blameless runbook runbooks checkout payments payment api apis search login sign
database databases db gateway deploy deploys deployment deployments config configs configuration rollback canary alert
alerts alerting error errors latency traffic user users service services production prod staging investigating
identified monitoring resolved mitigated critical major minor low high contributing factor factors whys why what who
whom whose how when where which tooling structure schedule rules rule rotation decision decisions risk eta business
conditions needs shares leave primary secondary good great nice thanks thank sorry please yes no ok okay note notes
heads also now then first second third finally meanwhile honestly frankly clearly unfortunately luckily sadly
basically overall today tomorrow yesterday tonight everyone everybody nobody someone somebody anyone anybody nothing
something everything this that these those it its we our ours us you your yours they them their theirs he she his
her hers him i my me mine the a an and or but if so because since after before while once until with without for
from to in on at by of as all any each every some most many few one two three four five six seven eight nine ten
let keep check confirm roll page send post write add assign give tell ask pick call mark drop park switch move
watch look run start stop open close fix fail restart scale verify hold make get set put take try use do don't
is are was were be been being has have had will would should could can may might must shall there here not never
again still just only even very really maybe perhaps probably likely hypothesis hypotheses theory time-box timebox
box minutes minute hours hour days day weeks week blast radius signal metrics traces logs log dashboard dashboards
apm error-rate region regions endpoint endpoints team teams on-call oncall escalation escalations escalate paging
page pages paged vp cto ceo manager managers support reliability sre sres slo slos sli budget burn window windows
decision unknown known fine done owner owned tracked proposed guardrail guardrails missing validation review reviews
test tests testing tested change changes changed release releases merge pr commit commits code bug bugs patch
script scripts migration migrations query queries feature flag flags cluster node nodes pod pods host hosts disk
memory cpu network dns cdn load balancer cache queue queues worker workers job jobs cron internal admin external
new old recent previous last other another same different whole full partial entire total global local
mitigation resolution detection acknowledgement response responders responder engineering-wide
aws gcp azure kubernetes k8s docker redis kafka postgres postgresql mysql mongodb mongo elasticsearch opensearch
nginx envoy istio terraform ansible jenkins github gitlab bitbucket circleci datadog grafana prometheus pagerduty
opsgenie statuspage slack zoom teams jira linear sentry honeycomb splunk relic cloudflare akamai fastly stripe adyen
braintree paypal visa mastercard apple google microsoft amazon linux windows macos java node python go golang rust
ruby rails django spring lambda vault consul helm argo argocd spinnaker rootly firehydrant dispatch incident.io
claude anthropic openai chatgpt copilot s3 ec2 rds dynamodb sqs sns gke eks aks cloudwatch cloudtrail
europe london york america asia pacific emea apac us eu uk
`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words that open sentences often enough that, capitalised at the start, they are not read as names. */
const OPENERS = new Set(
  `
about above across actually additionally afterwards again against ahead already although always among
anyway apparently around assuming based being below beside besides between beyond both briefly calm certainly
consider currently definitely despite during either else elsewhere especially essentially eventually
everyone except fortunately further furthermore given going hence however ideally importantly indeed initially
instead later likewise looking lots meanwhile moreover much nearly neither nevertheless nonetheless normally
notably obviously often otherwise overall perhaps possibly presumably previously quickly rather recently regardless
right roughly seriously shortly similarly simply soon specifically sure surely thankfully therefore though thus
together typically ultimately understood usually whatever whenever whereas whether yet
good bad great quick slow fast three wait hmm well oh ah alright right sounds agreed understood noted got
worth important critical crucial remember reminder tip warning caution careful
investigation investigate investigated remediate remediation rollout rollouts rolled reverted revert
paged paging escalated notify notified wake woke pull pulled loop looped bring brought call called
blame blamed fire hold thank praise ping message dm email text tag mention credit congratulate ask tell remind
`
    .split(/\s+/)
    .filter(Boolean),
);

const PERSON_NOUNS =
  /^(?:engineer|engineers|developer|developers|dev|devs|intern|interns|contractor|contractors|hire|newbie|junior|juniors|dba|dbas|admin|sysadmin|operator|operators|on-call|oncall|on-caller|reviewer|reviewers|approver|author|committer|person|people|guy|guys|gal|colleague|colleagues|teammate|teammates|coworker|coworkers|co-worker|employee|employees|staffer|someone|somebody|whoever|human|humans|folks|sre|sres|lead|manager)$/;

const NOUN_SUFFIX = /(?:ing|tion|sion|ment|ness|ity|ance|ence|ize|able|ible|ous|ful|less|ship|wards?)$/;

function isCapitalisedName(t: Token): boolean {
  if (!/^\p{Lu}[\p{Ll}'’-]+$/u.test(t.text)) return false;
  const base = t.lower.replace(/['’]s$/, '');
  if (NOT_NAMES.has(base)) return false;
  if (base.length >= 6 && NOUN_SUFFIX.test(base)) return false;
  return true;
}

/** Token positions that begin a sentence or a label value (where every word is capitalised anyway). */
function initialPositions(text: string, toks: Token[]): Set<number> {
  const out = new Set<number>();
  toks.forEach((t, i) => {
    const gap = text.slice(i === 0 ? 0 : toks[i - 1]!.end, t.start);
    if (i === 0 || /[:.!?—–([]\s*["“']?\s*$/.test(gap)) out.add(i);
  });
  return out;
}

/** People referred to in a sentence: names, @handles, "the new hire", "the on-call", pronouns, "you". */
export function personRefs(sentence: string): PersonRef[] {
  const toks = tokens(sentence);
  const initial = initialPositions(sentence, toks);
  const out: PersonRef[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const possessive =
      /['’]s$/.test(t.text) ||
      /^['’]s?$/.test(
        sentence
          .slice(t.end, t.end + 2)
          .trim()
          .slice(0, 2),
      );
    const push = (kind: PersonRef['kind'], end = t.end): void => {
      out.push({ text: sentence.slice(t.start, end), index: t.start, end, possessive, kind });
    };
    if (t.text.startsWith('@')) {
      push('handle');
      continue;
    }
    if (/^(?:he|she|him|her|his|they|them|their|hers)$/.test(t.lower)) {
      out.push({
        text: t.text,
        index: t.start,
        end: t.end,
        possessive: /^(?:his|her|their)$/.test(t.lower),
        kind: 'pronoun',
      });
      continue;
    }
    if (/^(?:you|your|yours|you're|you've|you'd)$/.test(t.lower)) {
      out.push({ text: t.text, index: t.start, end: t.end, possessive: t.lower === 'your', kind: 'you' });
      continue;
    }
    const base = t.lower.replace(/['’]s$/, '');
    if (PERSON_NOUNS.test(base)) {
      // "the Tech Lead" and "Incident Commander" are roles being assigned, not people blamed.
      if (
        (base === 'lead' || base === 'manager') &&
        i > 0 &&
        /^(?:tech|technical|comms|communications|team|engineering|incident)$/.test(toks[i - 1]!.lower)
      )
        continue;
      push('noun');
      continue;
    }
    if (
      /^teams?(?:['’]s)?$/.test(t.lower) &&
      i > 0 &&
      !/^(?:the|a|our|your|every|each|whole|on-call)$/.test(toks[i - 1]!.lower)
    ) {
      out.push({
        text: `${toks[i - 1]!.text} ${t.text}`,
        index: toks[i - 1]!.start,
        end: t.end,
        possessive,
        kind: 'team',
      });
      continue;
    }
    if (!isCapitalisedName(t)) continue;
    if (initial.has(i) && (OPENERS.has(base) || NOT_NAMES.has(base))) continue;
    // "Dave Smith": one reference (but not "Blame Dave": a capitalised opener then a name).
    let end = t.end;
    const next = toks[i + 1];
    if (next && !initial.has(i) && isCapitalisedName(next) && sentence.slice(t.end, next.start) === ' ') {
      end = next.end;
      i++;
    }
    out.push({
      text: sentence.slice(t.start, end),
      index: t.start,
      end,
      possessive: /['’]s$/.test(sentence.slice(t.start, end)),
      kind: 'name',
    });
  }
  return out;
}

/** A lower-case word that is none of the vocabulary above: possibly a name typed without a capital. */
export function isUnknownWord(word: string): boolean {
  const base = word.toLowerCase().replace(/['’]s$/, '');
  return (
    !NOT_NAMES.has(base) &&
    !OPENERS.has(base) &&
    !PERSON_NOUNS.test(base) &&
    !(base.length >= 6 && NOUN_SUFFIX.test(base))
  );
}
