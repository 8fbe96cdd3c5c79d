import { describe, expect, it } from 'vitest';
import { estimateCost } from './pricing.js';

const million = { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

describe('estimateCost', () => {
  it.each([
    ['claude-sonnet-4-5', 3],
    ['claude-sonnet-5', 3],
    ['claude-opus-4-1-20250805', 15],
    ['claude-opus-4-20250514', 15],
    ['claude-opus-4-5', 5],
    ['claude-opus-5', 5],
    ['claude-haiku-4-5', 1],
    ['claude-3-5-haiku-latest', 0.8],
  ])('prices input for %s at $%d per million', (model, usd) => {
    expect(estimateCost(model, million)).toEqual({ usd, known: true });
  });

  it('prices output, cache writes (1.25×) and cache reads (0.1×)', () => {
    const cost = estimateCost('claude-sonnet-4-5', {
      inputTokens: 0,
      outputTokens: 1_000_000,
      cacheWriteTokens: 1_000_000,
      cacheReadTokens: 1_000_000,
    });
    expect(cost.usd).toBeCloseTo(15 + 3.75 + 0.3, 6);
  });

  it('assumes Sonnet prices for an unknown model and says so', () => {
    expect(estimateCost('my-proxy-model', million)).toEqual({ usd: 3, known: false });
  });
});
