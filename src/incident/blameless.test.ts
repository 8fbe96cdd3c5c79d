import { describe, expect, it } from 'vitest';
import { findBlame, withoutQuotes } from './blameless.js';

describe('findBlame', () => {
  it.each([
    ['Dave pushed a bad config to production.', 'person_as_cause'],
    ['@priya deployed the change without a canary.', 'person_as_cause'],
    ['The on-call engineer forgot to check the dashboard.', 'person_as_cause'],
    ['Root cause: human error.', 'human_error'],
    ['The reviewer should have caught the missing index.', 'hindsight'],
    ["It was Sam's fault.", 'fault'],
  ])('flags %j', (text, reason) => {
    const [finding] = findBlame(text);
    expect(finding?.reason).toBe(reason);
    expect(finding?.suggestion.length).toBeGreaterThan(20);
  });

  it.each([
    'A config change reached production without validation.',
    'Terraform deleted the volume because the plan was applied without review.',
    'The deploy pipeline has no canary stage, so the change reached all hosts at once.',
    'Checkout failed for 42 minutes.',
    'We rolled back at 14:20 and errors stopped.',
    'Payment API returned 500s after the connection pool was exhausted.',
  ])('passes systemic wording: %j', (text) => {
    expect(findBlame(text)).toEqual([]);
  });

  it('treats quoted text as a mention', () => {
    expect(findBlame(withoutQuotes('Write it as a missing guardrail, not "Dave pushed a bad config".'))).toEqual([]);
  });
});
