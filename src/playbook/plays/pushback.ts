import { bullets } from '../compose.js';
import type { Heard } from '../reading.js';
import { type Play, type PlaybookEnv, reply, type Step } from '../step.js';

/** What the persona's rules say back when a message asks to break them. */
export function pushbackLines(heard: Heard, env: PlaybookEnv): string[] {
  const box = env.settings.hypothesis_timebox_minutes;
  const lines: string[] = [];
  if (heard.pushback.skipRoles)
    lines.push(
      'Roles first — it takes a minute, and without them five people debug the same thing while nobody talks to customers. Assigned below; then we dig in.',
    );
  if (heard.pushback.skipSeverity)
    lines.push('I classified severity anyway: it takes seconds and decides who gets paged and how often we update.');
  if (heard.blame.asks || heard.blame.findings.length)
    lines.push(
      'No names: we look at what let this reach production — the missing guardrail (a canary, a validation, an alert, a safe default) — not at who. People who fear blame hide problems instead of raising them; keeping it blameless is how we keep hearing what they saw.',
    );
  if (heard.pushback.firstError)
    lines.push(
      `Maybe — but the first error in the log is often a symptom, not the cause: a downstream timeout, a retry storm, or noise that was there before the incident. Treat it as a hypothesis, time-boxed to ${box} minutes, and confirm it with timing, blast radius and a second signal before acting on it.`,
    );
  return lines;
}

/** "Whose fault is it?" with no incident to work: blameless by default, turned into the question that helps. */
export const blame: Play = {
  id: 'blame',
  applies: (heard) => (heard.blame.asks || heard.blame.findings.length > 0) && !heard.intents.includes('report'),
  next(): Step {
    return reply(
      [
        'No names in this — blameless by default. If people fear blame, the next person who sees a problem hides it instead of raising it, and we learn nothing.',
        'The useful question is what let one change or one action reach production and hurt customers:',
        bullets([
          'Which guardrail was missing: a test, a canary or staged rollout, an alert, a config validation, a review?',
          'Why did the system allow this blast radius: limits, isolation, a safe default?',
          'How long did it take to detect, and what would have caught it sooner?',
        ]),
        'Write it as "a config change reached production without validation", not "Dave pushed a bad config" — and give each fix an owner and a due date.',
      ].join('\n\n'),
    );
  },
};

/** "The first error in the log is the root cause", with no incident open: a lead, not a conclusion. */
export const firstError: Play = {
  id: 'first-error',
  applies: (heard) => heard.pushback.firstError && !heard.active && !heard.intents.includes('report'),
  next(_turn, _heard, env): Step {
    const box = env.settings.hypothesis_timebox_minutes;
    return reply(
      [
        'Maybe — but the first error in the log is often a symptom, not the cause: a downstream timeout, a retry storm, or noise that was there before the incident.',
        `Treat it as hypothesis #1, time-boxed to ${box} minutes. Confirm it with timing (did it start exactly when the impact started?), blast radius (does it explain every failing request?) and a second signal (metrics or traces pointing to the same component).`,
        `If it is not confirmed within ${box} minutes, drop it and move to the next hypothesis. What is the incident — what is broken, and who is affected?`,
      ].join('\n\n'),
    );
  },
};

/** "Skip the roles / the severity" before anything is reported: do them, quickly, then get going. */
export const skipProcess: Play = {
  id: 'skip-process',
  applies: (heard) =>
    (heard.pushback.skipRoles || heard.pushback.skipSeverity) && !heard.active && !heard.intents.includes('report'),
  next(): Step {
    return reply(
      [
        'Roles and severity come first — together they take about a minute, and without them several people debug the same thing while nobody updates customers.',
        'Tell me what is broken and who is affected; I will classify it, assign IC, Comms, Tech Lead and Scribe, and then we troubleshoot.',
      ].join('\n\n'),
    );
  },
};
