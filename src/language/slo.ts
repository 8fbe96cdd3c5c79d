/**
 * The numbers an SLO question carries — target, window, good and total events, error ratios per
 * alerting window — read from its words. What is not said stays null, never guessed.
 */
export type Window = '5m' | '30m' | '1h' | '6h' | '3d';

/** "1.5k" → 1500, "2,000,000" → 2000000, "3 million" → 3000000. */
function amount(digits: string, unit: string | undefined): number {
  const n = Number(digits.replace(/,/g, ''));
  const scale = !unit
    ? 1
    : /^k|thousand/i.test(unit)
      ? 1e3
      : /^m|million/i.test(unit)
        ? 1e6
        : /^b|billion/i.test(unit)
          ? 1e9
          : 1;
  return n * scale;
}

/** "0.7" (percent) → 0.007, without binary-float noise. */
const percent = (digits: string): number => Math.round(Number(digits) * 1e8) / 1e10;

function windowOf(text: string): Window | null {
  const t = text.toLowerCase().replace(/\s+/g, '');
  if (/^(?:5m|5min|5minutes?|fiveminutes?)$/.test(t)) return '5m';
  if (/^(?:30m|30min|30minutes?|halfanhour)$/.test(t)) return '30m';
  if (/^(?:1h|1hr|1hour|hour|anhour|onehour|60m|60min|60minutes)$/.test(t)) return '1h';
  if (/^(?:6h|6hrs?|6hours|sixhours)$/.test(t)) return '6h';
  if (/^(?:3d|3days|threedays|72h|72hours)$/.test(t)) return '3d';
  return null;
}

const WINDOW = String.raw`5 ?m(?:in(?:utes?)?)?|five minutes|30 ?m(?:in(?:utes?)?)?|half an hour|1 ?h(?:(?:ou)?r)?|(?:an |one )?hour|60 ?min(?:utes)?|6 ?h(?:(?:ou)?rs?)?|six hours|3 ?d(?:ays)?|three days|72 ?h(?:ours)?`;
const NUMBER = String.raw`(\d[\d,]*(?:\.\d+)?)\s*(k|thousand|m(?:illion)?|b(?:illion)?)?`;

export interface SloQuestion {
  targetPercent: number | null;
  windowDays: number | null;
  good: number | null;
  total: number | null;
  errorRatios: Partial<Record<Window, number>>;
}

/** The numbers an SLO question carries, read from its words; what is not said stays null, never guessed. */
export function readSloQuestion(text: string): SloQuestion {
  const target =
    /(\d{2}(?:\.\d{1,3})?)\s*%\s*(?:slo|target|availability|success|of requests|over|in|for|\()/i.exec(text) ??
    /\b(?:slo|target|objective)\b[^.%\d]{0,30}(\d{2}(?:\.\d{1,3})?)\s*%/i.exec(text);
  const days = /(\d{1,2})[- ]?(?:days?|d)\b(?:\s*(?:rolling\s*)?(?:window|slo|period))?/i.exec(
    text.replace(/(?:last|past|over the) (?:3 ?d(?:ays)?|three days)/gi, ''),
  );
  const weeks = /(\d)[- ]?weeks?\b/i.exec(text);
  const total = new RegExp(String.raw`${NUMBER}\s*(?:requests|events|calls|transactions|checkouts|queries)`, 'i').exec(
    text,
  );
  const bad = new RegExp(
    String.raw`${NUMBER}\s*(?:of (?:them|those) )?(?:failed|errors?|failures|bad|5xx|were errors)`,
    'i',
  ).exec(text);
  const errorRatios: Partial<Record<Window, number>> = {};
  const pairs = [
    new RegExp(
      String.raw`(\d+(?:\.\d+)?)\s*%[^.;,%]{0,30}?\b(?:over|in|for|during) (?:the )?(?:last |past )?(${WINDOW})\b`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(${WINDOW})(?: error rate| error ratio| errors?)?\s*(?:is|was|at|:|=|of)?\s*(\d+(?:\.\d+)?)\s*%`,
      'gi',
    ),
  ];
  for (const m of text.matchAll(pairs[0]!)) {
    const w = windowOf(m[2]!);
    if (w) errorRatios[w] ??= percent(m[1]!);
  }
  for (const m of text.matchAll(pairs[1]!)) {
    const w = windowOf(m[1]!);
    if (w) errorRatios[w] ??= percent(m[2]!);
  }
  const totalEvents = total ? amount(total[1]!, total[2]) : null;
  const badEvents = bad ? amount(bad[1]!, bad[2]) : null;
  return {
    targetPercent: target ? Number(target[1]) : null,
    windowDays: days ? Number(days[1]) : weeks ? Number(weeks[1]) * 7 : null,
    total: totalEvents,
    good: totalEvents !== null && badEvents !== null && badEvents <= totalEvents ? totalEvents - badEvents : null,
    errorRatios,
  };
}
