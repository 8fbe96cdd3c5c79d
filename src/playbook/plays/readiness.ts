import { bullets, capitalize, section } from '../compose.js';
import { failure, result, type Output } from '../outputs.js';
import { tried } from '../turn.js';
import { call, reply, type Play, type Step } from '../step.js';
import { readRotationRequest, teamSize } from '../../language/index.js';

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}

/** The seed's on-call answer, computed for the team size asked rather than recited for 6. */
export function oncallAdvice(size: number | null): string {
  const n = size ?? 6;
  const assumed =
    size === null ? ' (you did not say how many, so I assumed 6 — tell me the number and I will redo it)' : '';
  const duty = Math.min(1, 2 / n);
  const perYear = Math.round(52 / n);
  const parts: string[] = [];
  if (n <= 2) {
    parts.push(
      `With ${n} ${n === 1 ? 'person' : 'people'}, a 24/7 rotation means being on call ${n === 1 ? 'all the time' : 'every other week as primary and the rest as secondary'}${assumed}. That burns people out. Options, in order: merge into a shared rotation with a neighbouring team; page only for SLO-burning alerts out of hours and handle the rest in business hours; or run business-hours-only on-call with a clear escalation to a wider pool.`,
    );
  } else {
    parts.push(`For a team of ${n}, a sustainable rotation${assumed}:`);
  }
  parts.push(
    section(
      'Structure:',
      'Weekly primary + secondary, handing off every Monday at 10:00 — in business hours, so the handoff is a conversation, not a note.',
    ),
  );
  parts.push(
    section(
      'Schedule:',
      `Each engineer is primary once every ${n} weeks and secondary the week before (shadow and backup): 2 weeks of duty per ${n}-week cycle, ${pct(duty)} of the time, about ${perYear} primary weeks a year.${
        n === 3
          ? ' With 3 people that is two weeks in three — too much to sustain: share the secondary with another team, or cut out-of-hours pages to SLO burn only.'
          : ''
      }${n >= 9 ? ` With ${n} people each person is primary only every ${n} weeks — skills fade between shifts: add shadow shifts for new joiners and a game day each quarter.` : ''}`,
    ),
  );
  parts.push(
    section(
      'Rules:',
      bullets([
        'Primary acknowledges within 15 minutes; if not, the page escalates to the secondary automatically.',
        'No on-call during leave: swap weeks in advance through an explicit swap process, recorded in the scheduling tool.',
        'Compensate on-call with time off or a stipend — unrewarded on-call leads to attrition.',
        'Every alert that pages has a runbook; if there is no runbook, the alert should not page.',
        'A primary who was paged overnight starts late the next day.',
      ]),
    ),
  );
  parts.push(
    section(
      'Tooling:',
      'PagerDuty (or Grafana OnCall, incident.io) for schedules, escalation policies and handoff reports. Hold a weekly on-call review where the outgoing on-call shares what happened and which alerts were noise.',
    ),
  );
  return parts.join('\n\n');
}

/** The computed schedule: the first cycle shift by shift, each person's share, and what leave leaves uncovered. */
function scheduleSection(plan: Output<'plan_oncall_rotation'>, named: boolean, leave: readonly string[]): string {
  const n = plan.settings.members.length;
  const shifts = plan.shifts.slice(0, Math.min(plan.shifts.length, Math.max(n, 4), 12));
  const rows = shifts.map(
    (s) =>
      `${s.startLocal.slice(0, 10)}: primary ${s.primary ?? 'UNCOVERED'}${plan.settings.secondary ? `, secondary ${s.secondary ?? 'UNCOVERED'}` : ''}`,
  );
  const shares = Object.entries(plan.shares).map(
    ([who, s]) => `${who} ${s.primaryShifts}× primary, ${s.secondaryShifts}× secondary`,
  );
  return [
    section(
      `Rotation (computed for ${plan.settings.weeks} ${plan.settings.rotationDays === 7 ? 'weeks' : 'shifts'} from ${plan.settings.start}, handoff ${capitalize(plan.settings.handoffDay)} ${plan.settings.handoffTime} ${plan.settings.timeZone}):`,
      bullets(rows),
    ),
    `Shares: ${shares.join('; ')} — ${plan.fairness.maxMinusMinPrimary === 0 ? 'primary shifts are exactly even' : `primary shifts differ by at most ${plan.fairness.maxMinusMinPrimary}`}.`,
    leave.length ? `Leave respected: ${leave.join('; ')} — nobody is on call on a day of their leave.` : '',
    plan.conflicts.length ? section('Leave conflicts:', bullets(plan.conflicts.map((c) => c.reason))) : '',
    plan.warnings.length ? section('Heads-up:', bullets(plan.warnings)) : '',
    named
      ? '`incident-commander oncall plan --members … --ics rota.ics` writes it as a calendar your team can import.'
      : `I used placeholders (Engineer 1–${n}): give me the names in rotation order, and any leave dates, and I will plan the real schedule and its calendar file.`,
  ]
    .filter(Boolean)
    .join('\n\n');
}

export const oncall: Play = {
  id: 'oncall',
  applies: (heard) => heard.intents.includes('oncall') && !heard.intents.includes('report'),
  next(turn, _heard, env): Step {
    const size0 = teamSize(turn.text.toLowerCase());
    const request = readRotationRequest(turn.text, size0);
    const size = request.named ? request.members.length : size0;
    if (
      request.members.length >= 2 &&
      env.allowed.has('plan_oncall_rotation') &&
      !tried(turn, 'plan_oncall_rotation')
    ) {
      const { named: _named, ...args } = request;
      return call('plan_oncall_rotation', args);
    }
    const plan = result(turn, 'plan_oncall_rotation');
    const problem = failure(turn, 'plan_oncall_rotation');
    return reply(
      [
        oncallAdvice(size),
        plan
          ? scheduleSection(
              plan,
              request.named,
              request.unavailable.map((u) => `${u.person} ${u.from}${u.to !== u.from ? ` to ${u.to}` : ''}`),
            )
          : problem
            ? `I could not compute the schedule: ${problem}`
            : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
  },
};

/** "How do I decide between SEV2 and SEV3?": the framework as data, not folklore. */
export const severityGuide: Play = {
  id: 'severity-guide',
  applies: (heard) =>
    !heard.intents.includes('report') &&
    heard.intents.includes('severity') &&
    heard.question &&
    !heard.active &&
    !heard.pushback.skipSeverity,
  next(_turn, _reading, env): Step {
    const every = (m: number | null): string =>
      m === null ? '—' : m >= 1440 ? `${Math.round(m / 1440)} d` : `${m} min`;
    const levels = env.severity.levels.map(
      (l) =>
        `**${l.id} ${l.name}** — ${l.definition} ${l.escalation.pages ? `Pages: ${l.escalation.page.join(', ')}.` : 'No page.'} Updates: engineering ${every(l.cadence_minutes.engineering)}, executives ${every(l.cadence_minutes.executive)}, customers ${every(l.cadence_minutes.customer)}. Post-mortem ${l.postmortem_required ? 'required' : 'optional'}.`,
    );
    return reply(
      [
        'Severity is decided by impact, not by how hard the fix looks:',
        bullets(levels),
        section(
          'How to decide quickly:',
          bullets([
            'Customer-facing and a revenue path (checkout, payments, sign-up) failing, most users down, data loss or a security exposure: SEV1.',
            'A subset of customers, a critical function degraded, or a revenue path slow but working: SEV2.',
            'When unsure between two levels, pick the higher one and say which fact would lower it — argue about it in the post-mortem, not during the incident.',
            'Re-check the level whenever the impact changes; every change is recorded with its reason.',
          ]),
        ),
        'Describe the impact you are seeing and I will classify it.',
      ].join('\n\n'),
    );
  },
};
