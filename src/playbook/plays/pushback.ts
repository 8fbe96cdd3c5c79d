import { bullets, numbered, section } from '../compose.js';
import { result } from '../outputs.js';
import { formatClock } from '../../core/time.js';
import { call, reply, type Play, type PlaybookEnv, type Step } from '../step.js';
import { tried, type Turn } from '../turn.js';

/** The user's claim, on the timeline as a time-boxed hypothesis (or a plain entry when the persona lacks the tool). */
function hypothesisCall(turn: Turn, env: PlaybookEnv, box: number): Step | null {
  const id = turn.activeIncidentId;
  if (!id || tried(turn, 'start_hypothesis') || tried(turn, 'log_event')) return null;
  const claim = /(?:first error[^,.]*?(?:is|was)\s+)([^,.;]+)/i.exec(turn.text)?.[1]?.trim() ?? turn.text;
  if (env.allowed.has('start_hypothesis'))
    return call('start_hypothesis', {
      incidentId: id,
      statement: `Root cause is ${claim}`.slice(0, 500),
      evidence: turn.text.slice(0, 1000),
    });
  if (env.allowed.has('log_event'))
    return call('log_event', {
      incidentId: id,
      kind: 'observation',
      text: `Hypothesis (time-boxed to ${box} min, not yet confirmed): ${turn.text.slice(0, 3500)}`,
    });
  return null;
}

/** "Whose fault is it?": blameless by default, turned into the question that helps. */
export const blame: Play = {
  id: 'blame',
  applies: (reading) => reading.pushback.blame && !reading.report,
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

/** "The first error in the log is the root cause": a lead, time-boxed, not a conclusion. */
export const firstError: Play = {
  id: 'first-error',
  applies: (reading, turn) =>
    reading.pushback.firstError && !reading.pushback.skipRoles && (!reading.report || turn.activeIncidentId !== null),
  next(turn, _reading, env): Step {
    const box = env.settings.hypothesis_timebox_minutes;
    const hypothesis = hypothesisCall(turn, env, box);
    if (hypothesis) return hypothesis;
    const started = result(turn, 'start_hypothesis');
    return reply(
      [
        'Maybe — but the first error in the log is often a symptom, not the cause: a downstream timeout, a retry storm, or noise that was there before the incident.',
        `Treat it as hypothesis #1, time-boxed to ${box} minutes. Confirm it with:`,
        numbered([
          'Timing: did this error start exactly when the impact started, or was it there before?',
          'Blast radius: does it explain every failing request, or only some?',
          'A second signal: do metrics or traces point to the same component?',
        ]),
        `If it is not confirmed within ${box} minutes, drop it and move to the next hypothesis.${started ? ` It is on the timeline as ${started.hypothesis.id}, time-boxed until ${formatClock(started.hypothesis.expiresAt, turn.now ?? undefined)}.` : turn.activeIncidentId ? ' I have put it on the timeline as an unconfirmed hypothesis.' : ''}`,
      ].join('\n\n'),
    );
  },
};

/** "Skip the roles / the severity" without a new report: do them, quickly, then get going. */
export const skipProcess: Play = {
  id: 'skip-process',
  applies: (reading, turn) =>
    (reading.pushback.skipRoles || reading.pushback.skipSeverity) &&
    (!reading.report || turn.activeIncidentId !== null),
  next(turn, reading, env): Step {
    const id = turn.activeIncidentId;
    if (!id) {
      return reply(
        [
          'Roles and severity come first — together they take about a minute, and without them several people debug the same thing while nobody updates customers.',
          'Tell me what is broken and who is affected; I will classify it, assign IC, Comms, Tech Lead and Scribe, and then we troubleshoot.',
        ].join('\n\n'),
      );
    }
    if (reading.pushback.skipSeverity && env.allowed.has('classify_severity') && !tried(turn, 'classify_severity'))
      return call('classify_severity', { incidentId: id });
    if (!tried(turn, 'get_incident')) return call('get_incident', { incidentId: id, timelineLimit: 3 });
    const state = result(turn, 'get_incident');
    if (
      state &&
      (state.roles.length === 0 || state.roles.some((r) => !r.person)) &&
      env.allowed.has('assign_roles') &&
      !tried(turn, 'assign_roles')
    )
      return call('assign_roles', { incidentId: id });
    const box = env.settings.hypothesis_timebox_minutes;
    if (reading.pushback.firstError) {
      const hypothesis = hypothesisCall(turn, env, box);
      if (hypothesis) return hypothesis;
    }
    const roles = result(turn, 'assign_roles');
    const cls = result(turn, 'classify_severity');
    return reply(
      [
        'Roles first — it takes a minute and it is the difference between a response and five people in the same log file.',
        cls
          ? `Severity confirmed: ${cls.recorded?.current ?? cls.level} (it decides who is paged and how often we update).`
          : '',
        reading.pushback.firstError
          ? `And the first error in the log is a lead, not the root cause: it is on the timeline as hypothesis #1, time-boxed to ${box} minutes. Confirm it by timing, blast radius and a second signal before acting on it.`
          : '',
        roles
          ? section('Roles:', bullets(roles.summary))
          : state
            ? section('Roles:', bullets(state.roles.map((r) => `${r.title}: ${r.person ?? r.need}`)))
            : '',
        `Now troubleshoot, one hypothesis at a time, ${box} minutes each: what changed recently, and what do the error logs show?`,
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
  },
};
