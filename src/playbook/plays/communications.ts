import { formatClock } from '../../core/time.js';
import { bullets, section } from '../compose.js';
import { result, results } from '../outputs.js';
import type { Heard } from '../reading.js';
import { type Play, reply, type Step } from '../step.js';
import { type Turn, tried } from '../turn.js';

/** The incident a message is about: the one it names, else the conversation's (live or resolved). */
export function incidentOf(turn: Turn, heard: Heard): string | null {
  return heard.incidentId ?? turn.live?.incident.id ?? null;
}

export const NO_INCIDENT =
  'Which incident? There is no active incident in this conversation. Tell me what is happening and I will open one, or give its id (INC-12).';

/** Updates for an incident that is not live in this conversation ("draft the exec update for INC-3"). */
export const statusUpdate: Play = {
  id: 'status-update',
  applies: (heard) => heard.intents.includes('update_request') || heard.intents.includes('no_news'),
  next(turn, heard, env): Step {
    const id = incidentOf(turn, heard);
    if (!id) return reply(NO_INCIDENT);
    if (!tried(turn, 'get_incident'))
      return { kind: 'tools', calls: [{ name: 'get_incident', input: { incidentId: id, timelineLimit: 5 } }] };
    const state = result(turn, 'get_incident');
    if (!state) return reply(`I could not read ${id}. ${NO_INCIDENT}`);
    const scheduled = state.schedule.filter((s) => s.cadenceMinutes !== null).map((s) => s.audience);
    const audiences = heard.audiences.length
      ? heard.audiences
      : scheduled.length
        ? scheduled
        : (['engineering'] as const);
    if (!tried(turn, 'draft_stakeholder_update') && env.allowed.has('draft_stakeholder_update'))
      return {
        kind: 'tools',
        calls: audiences.map((audience) => ({ name: 'draft_stakeholder_update', input: { incidentId: id, audience } })),
      };
    const drafts = results(turn, 'draft_stakeholder_update');
    if (!drafts.length)
      return reply(
        `No update was drafted for ${id}: ${state.incident.severity} has no scheduled updates for ${audiences.join(', ')}.`,
      );
    const parts = drafts.map((d) =>
      section(
        `${d.audience[0]!.toUpperCase()}${d.audience.slice(1)} update${d.noChange ? ' (no change — send it anyway)' : ''}:`,
        `> ${d.body.split('\n').filter(Boolean).join('\n> ')}\n${d.nextUpdateAt ? `Next ${d.audience} update due ${formatClock(d.nextUpdateAt, turn.now)}.` : ''}`,
      ),
    );
    return reply(
      [
        `Updates for ${id} (${state.incident.severity}, ${state.incident.status}), recorded on the timeline:`,
        ...parts,
      ].join('\n\n'),
    );
  },
};

/** "Status?" about an incident that is not live here: its state and what needs attention. */
export const statusSummary: Play = {
  id: 'status',
  applies: (heard) => heard.intents.includes('status') && (heard.incidentId !== null || !heard.active),
  next(turn, heard): Step {
    const id = incidentOf(turn, heard);
    if (!id) return reply(NO_INCIDENT);
    if (!tried(turn, 'get_incident'))
      return { kind: 'tools', calls: [{ name: 'get_incident', input: { incidentId: id, timelineLimit: 5 } }] };
    const s = result(turn, 'get_incident');
    if (!s) return reply(`I could not read ${id}.`);
    return reply(
      [
        `**${s.incident.id}** ${s.incident.title} — **${s.incident.severity}**, ${s.incident.status}.`,
        section(
          'Roles:',
          bullets(
            s.roles.length ? s.roles.map((r) => `${r.title}: ${r.person ?? `NEEDED — ${r.need}`}`) : ['none assigned'],
          ),
        ),
        s.attention.length ? section('Needs attention now:', bullets(s.attention)) : 'Nothing is overdue.',
        section(
          'Latest on the timeline:',
          bullets(s.timeline.map((e) => `${formatClock(e.at, turn.now)} ${e.kind}: ${e.text}`)),
        ),
      ].join('\n\n'),
    );
  },
};
