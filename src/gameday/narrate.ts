import { formatClock } from '../core/time.js';
import type { ToolResult } from '../registry/types.js';
import { assignRolesOutput } from '../../tools/assign-roles.js';
import { createActionItemOutput } from '../../tools/create-action-item.js';
import { draftStakeholderUpdateOutput } from '../../tools/draft-stakeholder-update.js';
import { fetchDeploysOutput } from '../../tools/fetch-deploys.js';
import { findRunbookOutput } from '../../tools/find-runbook.js';
import { logEventOutput } from '../../tools/log-event.js';
import { openIncidentOutput } from '../../tools/open-incident.js';
import { resolveHypothesisOutput } from '../../tools/resolve-hypothesis.js';
import { resolveIncidentOutput } from '../../tools/resolve-incident.js';
import { startHypothesisOutput } from '../../tools/start-hypothesis.js';
import { updateIncidentOutput } from '../../tools/update-incident.js';

/**
 * One line for the team saying what the drill recorded. It reports, it does not coach: a drill tests
 * what the team does unprompted, and the debrief comes at the end.
 */
export function narrate(result: ToolResult, now: Date): string {
  if (!result.ok) return `Not recorded (${result.tool}): ${result.error.message}`;
  const o = result.output;
  switch (result.tool) {
    case 'open_incident': {
      const r = openIncidentOutput.parse(o);
      return `${r.incident.id} declared ${r.incident.severity}: "${r.incident.title}".`;
    }
    case 'assign_roles': {
      const r = assignRolesOutput.parse(o);
      return `Roles on ${r.incidentId}: ${r.summary.join('; ')}.`;
    }
    case 'fetch_deploys': {
      const r = fetchDeploysOutput.parse(o);
      return `Deploys for ${r.service}: ${
        r.deploys.length
          ? r.deploys
              .slice(0, 3)
              .map((d) => `${d.ref} ${d.at.slice(11, 16)} "${d.summary}"${d.suspect ? ' (suspect)' : ''}`)
              .join('; ')
          : 'none in range'
      }.`;
    }
    case 'find_runbook':
      return findRunbookOutput.parse(o).summary;
    case 'start_hypothesis': {
      const h = startHypothesisOutput.parse(o).hypothesis;
      return `${h.id} "${h.statement}" (owner ${h.owner}), time-box ${h.timeboxMinutes} min.`;
    }
    case 'resolve_hypothesis': {
      const h = resolveHypothesisOutput.parse(o).hypothesis;
      return `${h.id} ${h.status.replace('_', ' ')}.`;
    }
    case 'log_event': {
      const e = logEventOutput.parse(o).event;
      return `Timeline ${e.at.slice(11, 16)} ${e.kind}: ${e.text}`;
    }
    case 'draft_stakeholder_update': {
      const r = draftStakeholderUpdateOutput.parse(o);
      return `${r.audience} update sent${r.noChange ? ' (no change)' : ''}${r.nextUpdateAt ? `; next due ${formatClock(r.nextUpdateAt, now)}` : ''}.`;
    }
    case 'create_action_item': {
      const i = createActionItemOutput.parse(o).item;
      return `${i.id} "${i.title}" — owner ${i.owner}, due ${i.dueAt.slice(0, 10)}.`;
    }
    case 'update_incident': {
      const r = updateIncidentOutput.parse(o);
      return `${r.incident.id}: ${r.changes.join('; ')}.`;
    }
    case 'resolve_incident': {
      const r = resolveIncidentOutput.parse(o);
      return `${r.incident.id} resolved${r.postmortem.required ? `; post-mortem due ${formatClock(r.postmortem.dueAt, now)}` : ''}.`;
    }
    default:
      return `${result.tool} done.`;
  }
}
