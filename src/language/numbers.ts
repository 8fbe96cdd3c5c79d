/**
 * Shares of users or requests as people say them: "~30% of requests", "roughly a fifth of EU
 * users", "1 in 10 checkouts", "half the fleet", "most customers", "a handful of merchants".
 */
export interface Share {
  /** 0–100. */
  pct: number;
  phrase: string;
  /** An exact figure ("30%") or a word ("most", "a few"). */
  exact: boolean;
  index: number;
}

const FRACTIONS: Record<string, number> = {
  half: 50,
  'a half': 50,
  'a third': 33,
  'one third': 33,
  'two thirds': 67,
  'a quarter': 25,
  'one quarter': 25,
  'three quarters': 75,
  'a fifth': 20,
  'one fifth': 20,
  'two fifths': 40,
  'a tenth': 10,
  'one tenth': 10,
};

const WORD_SHARES: [RegExp, number][] = [
  [/\b(?:nearly|almost|practically|basically|virtually) (?:all|every(?:one|body)?)\b/, 95],
  [/\b(?:most|the majority of|majority of|the bulk of|the vast majority of)\b/, 80],
  [
    /\b(?:many|lots of|a lot of|tons of|loads of|plenty of|a big chunk of|a large chunk of|a huge chunk of|a big share of|a large share of|a big portion of|a large portion of)\b/,
    50,
  ],
  [/\b(?:a bunch of)\b/, 20],
  [/\b(?:some|several|a number of)\b/, 10],
  [
    /\b(?:a few|a handful of|handful of|a couple(?: of)?|a small number of|a tiny number of|a small percentage of|a small fraction of|very few|few)\b/,
    2,
  ],
];

const POPULATION =
  /\b(?:of\s+)?(?:our\s+|the\s+|all\s+|eu\s+|us\s+|\w+\s+)?(?:users?|customers?|requests?|reqs|traffic|sessions?|calls?|checkouts?|logins?|transactions?|orders?|payments?|queries|api calls|shoppers?|players?|merchants?|accounts?|tenants?|fleet|nodes?|hosts?|pods?|servers?|instances?|devices?|clients?|visitors?|members?|subscribers?|people|folks|page ?loads|pageviews|jobs|messages|emails|uploads|downloads|builds)\b/;

/** Shares of a population in the text, most specific first. */
export function shares(lower: string): Share[] {
  const out: Share[] = [];
  for (const m of lower.matchAll(/(\d{1,3}(?:\.\d+)?)\s?(?:%|percent\b|pct\b)/g)) {
    const pct = Number(m[1]);
    if (pct > 100) continue;
    const after = lower.slice(m.index + m[0]!.length, m.index + m[0]!.length + 40);
    const before = lower.slice(Math.max(0, m.index - 40), m.index);
    // "85% full" is a disk, "99.9% slo" a target, "cpu at 90%" a resource: not a share of users.
    if (
      /^\s*(?:full|used|utili[sz]|capacity|cpu|memory|disk|slo|sla|availability|uptime|target|budget|hit rate|cache)/.test(
        after,
      )
    )
      continue;
    if (
      /\b(?:cpu|memory|mem|disk|heap|ram|utili[sz]ation|slo|sla|target|budget|hit rate|at|load|usage)\s*(?:is|at|of|~|=|:)?\s*$/.test(
        before,
      ) &&
      !/\b(?:error|fail|5xx|timeout)/.test(before)
    )
      continue;
    out.push({ pct, phrase: m[0]!, exact: true, index: m.index });
  }
  for (const m of lower.matchAll(
    /\b(\d+|one|two|three)\s+(?:in|out of)\s+(\d+|two|three|four|five|ten|twenty|a hundred|hundred)\b/g,
  )) {
    const n = wordNumber(m[1]!);
    const d = wordNumber(m[2]!);
    if (n !== null && d !== null && d > 0 && n <= d)
      out.push({ pct: Math.round((n / d) * 100), phrase: m[0]!, exact: true, index: m.index });
  }
  // "14/14 locations", "3/12 pods": a count out of a count.
  for (const m of lower.matchAll(
    /\b(\d{1,4})\s*\/\s*(\d{1,4})\s+(?:of\s+)?(?:the\s+)?(?:locations|regions|checks|probes|pops|nodes|hosts|servers|pods|instances|replicas|zones|azs|datacenters|dcs|shards|brokers|tasks)\b/g,
  )) {
    const n = Number(m[1]);
    const d = Number(m[2]);
    if (d > 0 && n <= d) out.push({ pct: Math.round((n / d) * 100), phrase: m[0]!, exact: true, index: m.index });
  }
  for (const m of lower.matchAll(/\b(\d)\/(\d{1,2})\s+(?:of\s+)?/g)) {
    const n = Number(m[1]);
    const d = Number(m[2]);
    if (d > 0 && n <= d && POPULATION.test(lower.slice(m.index + m[0]!.length, m.index + m[0]!.length + 30)))
      out.push({ pct: Math.round((n / d) * 100), phrase: m[0]!.trim(), exact: true, index: m.index });
  }
  for (const [words, pct] of Object.entries(FRACTIONS)) {
    const re = new RegExp(String.raw`\b(?:roughly |about |around |maybe |like |~)?${words}\s+(?:of\s+)?`, 'g');
    for (const m of lower.matchAll(re)) {
      if (POPULATION.test(lower.slice(m.index + m[0]!.length, m.index + m[0]!.length + 30)))
        out.push({ pct, phrase: m[0]!.trim(), exact: false, index: m.index });
    }
  }
  for (const [pattern, pct] of WORD_SHARES) {
    const m = pattern.exec(lower);
    if (!m) continue;
    if (POPULATION.test(lower.slice(m.index + m[0]!.length, m.index + m[0]!.length + 30)))
      out.push({ pct, phrase: m[0]!, exact: false, index: m.index });
  }
  return out.sort((a, b) => Number(b.exact) - Number(a.exact) || a.index - b.index);
}

const WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  ten: 10,
  twenty: 20,
  hundred: 100,
  'a hundred': 100,
};

function wordNumber(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  return WORDS[text] ?? null;
}

/** An absolute count of people or things: "3 customers", "2k users", "~400 merchants". */
export function counts(lower: string): { count: number; what: string; phrase: string }[] {
  const out: { count: number; what: string; phrase: string }[] = [];
  for (const m of lower.matchAll(
    /\b(\d+(?:[.,]\d+)?)\s*(k|m|thousand|million)?\s+(users?|customers?|merchants?|accounts?|tenants?|orgs?|organi[sz]ations?|players?|shoppers?|subscribers?|orders?|payments?|transactions?|records?|rows?|tickets?)\b/g,
  )) {
    const base = Number(m[1]!.replace(',', ''));
    const scale = m[2] ? (m[2].startsWith('k') || m[2] === 'thousand' ? 1000 : 1_000_000) : 1;
    out.push({ count: Math.round(base * scale), what: m[3]!, phrase: m[0]! });
  }
  return out;
}
