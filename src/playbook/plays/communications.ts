import { formatClock } from '../../core/time.js';
import { bullets, section } from '../compose.js';
import { result, results } from '../outputs.js';
import { reply, type Play, type Step } from '../step.js';
import { tried, type Turn } from '../turn.js';

export function incidentOf(turn: Turn, mentioned: string | null): string | null {
  return mentioned ?? turn.activeIncidentId;
}

const NO_INCIDENT =
  'Which incident? There is no active incident in this conversation. Tell me what is happening and I will open one, or give its id (INC-12).';

/** "What changed" from a message like "post an update: we rolled back and errors are dropping". */
function whatChanged(text: string): string | undefined {
  const m =
    /(?:update|tell them|say)[^:]*:\s*([\s\S]+)$/i.exec(text) ??
    /\b(?:we(?:'ve| have)?|the team (?:has )?)\s+((?:rolled back|deployed|restarted|mitigated|found|identified|fixed|scaled|failed over)[\s\S]+)$/i.exec(
      text,
    );
  const value = m?.[1]?.trim();
  return value && value.length > 3 ? value.slice(0, 2000) : undefined;
}

/** Draft the updates asked for (or every audience with a cadence), each with its next due time. */
export const statusUpdate: Play = {
  id: 'status-update',
  applies: (reading) => reading.wants.statusUpdate !== null,
  next(turn, reading, env): Step {
    const id = incidentOf(turn, reading.mentionedIncident);
    if (!id) return reply(NO_INCIDENT);
    if (!tried(turn, 'get_incident'))
      return { kind: 'tools', calls: [{ name: 'get_incident', input: { incidentId: id, timelineLimit: 5 } }] };
    const state = result(turn, 'get_incident');
    if (!state) return reply(`I could not read ${id}. ${NO_INCIDENT}`);
    const asked = reading.wants.statusUpdate ?? [];
    const scheduled = state.schedule.filter((s) => s.cadenceMinutes !== null).map((s) => s.audience);
    const audiences = asked.length === 3 ? scheduled : asked;
    if (!tried(turn, 'draft_stakeholder_update') && env.allowed.has('draft_stakeholder_update')) {
      const changed = whatChanged(turn.text);
      const box = env.settings.hypothesis_timebox_minutes;
      const nextSteps = [
        `Confirm or rule out the leading hypothesis within its ${box}-minute time-box`,
        state.incident.services.length
          ? `Check recent deploys and config changes of ${state.incident.services.join(', ')}`
          : 'Check recent deploys and config changes',
        'Keep every action and finding on the timeline',
      ];
      return {
        kind: 'tools',
        calls: audiences.map((audience) => ({
          name: 'draft_stakeholder_update',
          input: {
            incidentId: id,
            audience,
            ...(changed ? { whatChanged: changed } : {}),
            ...(audience === 'engineering' ? { nextSteps } : {}),
          },
        })),
      };
    }
    const drafts = results(turn, 'draft_stakeholder_update');
    if (!drafts.length)
      return reply(
        `No update was drafted for ${id}: ${state.incident.severity} has no scheduled updates for ${asked.join(', ')}. Send one when the status changes.`,
      );
    const parts = drafts.map((d) =>
      section(
        `${d.audience[0]!.toUpperCase()}${d.audience.slice(1)} update${d.noChange ? ' (no change — send it anyway)' : ''}:`,
        `> ${d.body.split('\n').filter(Boolean).join('\n> ')}\n${d.nextUpdateAt ? `Next ${d.audience} update due ${formatClock(d.nextUpdateAt, turn.now ?? undefined)}.` : ''}`,
      ),
    );
    const redacted = drafts.flatMap((d) => d.redactions);
    if (redacted.length)
      parts.push(
        `Removed from the customer text: ${[...new Set(redacted)].join(', ')} (internal names never go to customers).`,
      );
    return reply(
      [
        `Updates for ${id} (${state.incident.severity}, ${state.incident.status}), recorded on the timeline:`,
        ...parts,
      ].join('\n\n'),
    );
  },
};

/** "Status?": the live state of the active incident and what needs attention. */
export const statusSummary: Play = {
  id: 'status',
  applies: (reading, turn) =>
    reading.wants.status ||
    (!reading.report &&
      turn.activeIncidentId !== null &&
      /^(?:\?|ok|okay|now what|what next|next\??)$/i.test(turn.text.trim())),
  next(turn, reading): Step {
    const id = incidentOf(turn, reading.mentionedIncident);
    if (!id) return reply(NO_INCIDENT);
    if (!tried(turn, 'get_incident'))
      return { kind: 'tools', calls: [{ name: 'get_incident', input: { incidentId: id, timelineLimit: 5 } }] };
    const s = result(turn, 'get_incident');
    if (!s) return reply(`I could not read ${id}.`);
    const parts = [
      `**${s.incident.id}** ${s.incident.title} — **${s.incident.severity}**, ${s.incident.status}.`,
      section(
        'Roles:',
        bullets(
          s.roles.length
            ? s.roles.map((r) => `${r.title}: ${r.person ?? `NEEDED — ${r.need}`}`)
            : ['none assigned: assign IC, Comms, Tech Lead and Scribe before troubleshooting'],
        ),
      ),
      section(
        'Updates:',
        bullets(
          s.schedule
            .filter((x) => x.cadenceMinutes !== null)
            .map(
              (x) =>
                `${x.audience}: ${x.overdue ? `OVERDUE by ${x.overdueMinutes} min` : x.nextDueAt ? `due ${formatClock(x.nextDueAt, turn.now ?? undefined)}` : 'none scheduled'}`,
            ),
        ),
      ),
      s.hypotheses.some((h) => h.status === 'open')
        ? section(
            'Open hypotheses:',
            bullets(
              s.hypotheses
                .filter((h) => h.status === 'open')
                .map(
                  (h) =>
                    `${h.id} ${h.statement} (${h.owner}) — ${h.expired ? `time-box ran out ${Math.round(-h.minutesLeft)} min ago: call it` : `${Math.round(h.minutesLeft)} min left`}`,
                ),
            ),
          )
        : '',
      s.attention.length ? section('Needs attention now:', bullets(s.attention)) : 'Nothing is overdue.',
      section(
        'Latest on the timeline:',
        bullets(s.timeline.map((e) => `${formatClock(e.at, turn.now ?? undefined)} ${e.kind}: ${e.text}`)),
      ),
    ];
    return reply(parts.filter(Boolean).join('\n\n'));
  },
};
