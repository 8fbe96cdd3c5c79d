import { ZERO_USAGE } from '../agent/types.js';
import { GRADERS } from '../evals/graders/index.js';
import type { Verdict } from '../evals/graders/types.js';
import type { RecordedToolCall, Transcript, TurnRecord } from '../evals/transcript.js';
import { AUDIENCES } from '../core/audiences.js';
import { minutesBetween } from '../core/time.js';
import type { Drill } from './drill.js';

/** What a game day checks: the eval suite's graders, each tied to the rule it enforces. */
export interface Check {
  id: string;
  rule: string;
  /** Why the rule exists, said once in the debrief when it was broken. */
  why: string;
  grader: string;
  params: (drill: Drill) => unknown;
  /** What the grader cannot see from the record alone: the scenario's own truth. */
  refine?: (verdict: Verdict, drill: Drill, calls: readonly RecordedToolCall[]) => Verdict;
}

export const CHECKS: readonly Check[] = [
  {
    id: 'severity_declared',
    rule: 'Severity first',
    why: 'The level decides who is paged, how often stakeholders hear from you and whether a post-mortem follows; nothing else can be organised without it.',
    grader: 'severity_before_roles',
    params: () => ({}),
  },
  {
    id: 'severity_level',
    rule: 'The right severity',
    why: 'Under-classifying delays escalation; when unsure, pick the higher level and say what would lower it.',
    grader: 'incident_state',
    params: (d) => ({ severity: d.scenario.expect.severity }),
  },
  {
    id: 'roles_before_troubleshooting',
    rule: 'Roles before troubleshooting',
    why: 'Without a named Incident Commander, Communications Lead, Technical Lead and Scribe, everyone debugs and nobody coordinates, communicates or records.',
    grader: 'roles_before_troubleshooting',
    params: () => ({ troubleshooting: ['fetch_deploys', 'start_hypothesis', 'find_runbook', 'log_event:action'] }),
  },
  {
    id: 'updates_on_cadence',
    rule: 'Stakeholder updates on the cadence',
    why: 'Silence is worse than "no change, still investigating": stakeholders who hear nothing start interrupting responders.',
    grader: 'updates_on_cadence',
    params: () => ({}),
  },
  {
    id: 'timeboxes_kept',
    rule: '15-minute time-boxes',
    why: 'A hypothesis without a time-box becomes an hour down one path; confirm it, rule it out or park it and switch.',
    grader: 'timeboxes_kept',
    params: () => ({}),
    // Time-boxes cannot be judged when no hypothesis was ever named: that earns nothing, and says why.
    refine: (v, _d, calls) =>
      calls.some((c) => c.name === 'start_hypothesis' && !c.isError)
        ? v
        : { status: 'skip', why: 'no hypothesis was put on the record with an owner and a time-box' },
  },
  {
    id: 'action_items_owned',
    rule: 'Action items with an owner and a deadline',
    why: 'An action item without one named owner and a date does not get done, and the incident repeats.',
    grader: 'action_items_tracked',
    params: () => ({ min: 1 }),
  },
  {
    id: 'resolved',
    rule: 'Impact ended and the incident resolved',
    why: 'Mitigate first (roll back, fail over), then resolve on the record so the post-mortem clock starts.',
    grader: 'incident_state',
    params: () => ({ status: 'resolved' }),
    refine: (v, d) =>
      v.status === 'pass' &&
      d.scenario.fixes.some((f) => f.mitigates) &&
      (d.impactEndedAt === null || d.impactEndedAt > d.minute)
        ? {
            status: 'fail',
            why: 'the incident was resolved on the record while customers were still affected: no fix that ends the impact was applied',
          }
        : v,
  },
];

export interface CheckResult extends Verdict {
  id: string;
  rule: string;
}

export interface DrillStats {
  minutes: number;
  declaredAtMinute: number | null;
  rolesAtMinute: number | null;
  impactEndedAtMinute: number | null;
  resolvedAtMinute: number | null;
  updates: Record<string, number>;
  hypotheses: number;
  timelineEntries: number;
  actionItems: number;
}

export interface GameDayResult {
  scenario: string;
  title: string;
  /** Checks passed out of all checks, as a percentage; a check that could not be judged earns nothing. */
  score: number;
  checks: CheckResult[];
  stats: DrillStats;
  debrief: string;
  transcript: Transcript;
}

function firstOk(turns: readonly TurnRecord[], name: string, start: string): number | null {
  const turn = turns.find((t) => t.toolCalls.some((c) => c.name === name && !c.isError));
  return turn ? Math.round(minutesBetween(start, turn.at)) : null;
}

/** Grades the drill with the eval graders against its final state, and writes the debrief. */
export async function scoreDrill(drill: Drill): Promise<GameDayResult> {
  const s = drill.scenario;
  const state = await drill.finalState();
  const finalTurn: TurnRecord = drill.turns.at(-1)
    ? { ...drill.turns.at(-1)!, state }
    : {
        user: '',
        at: drill.clock.now().toISOString(),
        reply: '',
        toolCalls: [],
        usage: ZERO_USAGE,
        costUsd: 0,
        stopReason: 'end_turn',
        model: 'gameday',
        error: null,
        state,
      };
  const transcript: Transcript = {
    version: 1,
    caseId: s.id,
    run: 1,
    target: 'gameday',
    soulHash: '',
    startedAt: s.start,
    turns: [...drill.turns.slice(0, -1), finalTurn],
  };
  const callsSoFar: RecordedToolCall[] = drill.turns.flatMap((t) => t.toolCalls);
  const checks = CHECKS.map((check): CheckResult => {
    const grader = GRADERS.get(check.grader)!;
    const params = grader.params.parse(check.params(drill));
    const verdict = grader.grade(
      { turn: finalTurn, turnIndex: transcript.turns.length - 1, transcript, callsSoFar },
      params as never,
    );
    return { id: check.id, rule: check.rule, ...(check.refine ? check.refine(verdict, drill, callsSoFar) : verdict) };
  });
  const updates = Object.fromEntries(
    AUDIENCES.map((a) => [
      a,
      callsSoFar.filter((c) => c.name === 'draft_stakeholder_update' && !c.isError && c.input['audience'] === a).length,
    ]),
  );
  const stats: DrillStats = {
    minutes: drill.minute,
    declaredAtMinute: firstOk(drill.turns, 'open_incident', s.start),
    rolesAtMinute: firstOk(drill.turns, 'assign_roles', s.start),
    impactEndedAtMinute:
      drill.impactEndedAt !== null && drill.impactEndedAt <= drill.minute ? drill.impactEndedAt : null,
    resolvedAtMinute: firstOk(drill.turns, 'resolve_incident', s.start),
    updates,
    hypotheses: callsSoFar.filter((c) => c.name === 'start_hypothesis' && !c.isError).length,
    timelineEntries: state.timelineLength,
    actionItems: state.actionItems.length,
  };
  const score = Math.round((100 * checks.filter((c) => c.status === 'pass').length) / checks.length);
  return {
    scenario: s.id,
    title: s.title,
    score,
    checks,
    stats,
    debrief: debrief(s.title, score, checks, stats),
    transcript,
  };
}

const at = (m: number | null): string => (m === null ? 'never' : `T+${m} min`);

/** Blameless by construction: it speaks of the response and the rules, never of people. */
function debrief(title: string, score: number, checks: readonly CheckResult[], st: DrillStats): string {
  const passed = checks.filter((c) => c.status === 'pass');
  const missed = checks.filter((c) => c.status !== 'pass');
  const lines = [
    `Game day debrief: ${title}`,
    `Score: ${score}/100 (${passed.length} of ${checks.length} checks passed) after ${st.minutes} simulated minutes.`,
    '',
    `Response timeline: declared ${at(st.declaredAtMinute)}, roles ${at(st.rolesAtMinute)}, impact ended ${at(st.impactEndedAtMinute)}, resolved ${at(st.resolvedAtMinute)}.`,
    `Updates sent: ${Object.entries(st.updates)
      .map(([a, n]) => `${a} ${n}`)
      .join(
        ', ',
      )}. Hypotheses tested: ${st.hypotheses}. Timeline entries: ${st.timelineEntries}. Action items: ${st.actionItems}.`,
  ];
  if (passed.length) lines.push('', 'Went well:', ...passed.map((c) => `  ✓ ${c.rule}: ${c.why}`));
  if (missed.length) {
    lines.push('', 'To improve (rules broken):');
    for (const c of missed)
      lines.push(`  ✗ ${c.rule}: ${c.why}`, `    Why it matters: ${CHECKS.find((k) => k.id === c.id)!.why}`);
    lines.push('', `Next drill: practise "${missed[0]!.rule}" first; run this scenario again within a quarter.`);
  } else {
    lines.push('', 'Every rule held. Next drill: a harder scenario, or rotate who plays Incident Commander.');
  }
  return lines.join('\n');
}
