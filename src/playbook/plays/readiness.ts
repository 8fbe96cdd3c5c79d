import { bullets, section } from '../compose.js';
import { reply, type Play, type Step } from '../step.js';

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}

/** The seed's on-call answer, computed for the team size asked rather than recited for 6. */
export function oncallAdvice(size: number | null): string {
  const n = size ?? 6;
  const assumed = size === null ? ' (you did not say how many, so I assumed 6 — tell me the number and I will redo it)' : '';
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
  parts.push(section('Structure:', 'Weekly primary + secondary, handing off every Monday at 10:00 — in business hours, so the handoff is a conversation, not a note.'));
  parts.push(
    section(
      'Schedule:',
      `Each engineer is primary once every ${n} weeks and secondary the week before (shadow and backup): 2 weeks of duty per ${n}-week cycle, ${pct(duty)} of the time, about ${perYear} primary weeks a year.${
        n === 3 ? ' With 3 people that is two weeks in three — too much to sustain: share the secondary with another team, or cut out-of-hours pages to SLO burn only.' : ''
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
  parts.push(section('Tooling:', 'PagerDuty (or Grafana OnCall, incident.io) for schedules, escalation policies and handoff reports. Hold a weekly on-call review where the outgoing on-call shares what happened and which alerts were noise.'));
  return parts.join('\n\n');
}

export const oncall: Play = {
  id: 'oncall',
  applies: (reading) => reading.wants.oncall !== null,
  next(_turn, reading): Step {
    return reply(oncallAdvice(reading.wants.oncall!.teamSize));
  },
};

const SEVERITY_QUESTION = /\b(?:sev ?[1-4]|severity|severities|sev levels?|how (?:bad|severe)|which level)\b/i;

/** "How do I decide between SEV2 and SEV3?": the framework as data, not folklore. */
export const severityGuide: Play = {
  id: 'severity-guide',
  applies: (reading, turn) => !reading.report && SEVERITY_QUESTION.test(turn.text) && /\?\s*$|\b(?:how|what|which|when|explain|difference|decide)\b/i.test(turn.text) && !reading.pushback.skipSeverity,
  next(_turn, _reading, env): Step {
    const every = (m: number | null): string => (m === null ? '—' : m >= 1440 ? `${Math.round(m / 1440)} d` : `${m} min`);
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
