import type { Usage } from './types.js';

/** US dollars per million tokens. Cache writes cost 1.25× input (5-minute lifetime) or 2× (1 hour); reads 0.1×. */
interface Price {
  input: number;
  output: number;
}

const PRICES: [RegExp, Price][] = [
  [/claude-3-opus|claude-opus-4-[01](?:$|-\d{8}$)|claude-opus-4(?:$|-\d{8}$)/, { input: 15, output: 75 }],
  [/opus/, { input: 5, output: 25 }],
  [/fable/, { input: 10, output: 50 }],
  [/haiku-3-5|3-5-haiku/, { input: 0.8, output: 4 }],
  [/haiku/, { input: 1, output: 5 }],
  [/sonnet/, { input: 3, output: 15 }],
];
const FALLBACK: Price = { input: 3, output: 15 };

export interface CostEstimate {
  usd: number;
  /** False when the model is not in the price table and Sonnet prices were assumed. */
  known: boolean;
}

/** An estimate for budgets and reports, not an invoice. */
export function estimateCost(model: string, usage: Usage, cacheTtl: '5m' | '1h' = '5m'): CostEstimate {
  const hit = PRICES.find(([pattern]) => pattern.test(model));
  const price = hit?.[1] ?? FALLBACK;
  const usd =
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheWriteTokens * price.input * (cacheTtl === '1h' ? 2 : 1.25) +
      usage.cacheReadTokens * price.input * 0.1) /
    1_000_000;
  return { usd, known: hit !== undefined };
}
