import { z } from 'zod';
import { SEVERITIES } from '../../severity/signals.js';
import { INCIDENT_STATUSES } from '../../store/types.js';
import { defineGrader, fail, pass } from './types.js';

export const incidentState = defineGrader({
  name: 'incident_state',
  kind: 'state',
  description: 'After the turn, the store holds an incident with the expected severity, status, and roles filled or named as needs.',
  params: z
    .object({
      exists: z.boolean().default(true),
      severity: z.enum(SEVERITIES).optional(),
      status: z.enum(INCIDENT_STATUSES).optional(),
      roles_assigned: z.boolean().optional(),
      action_items_min: z.number().int().min(0).optional(),
    })
    .strict(),
  grade({ turn }, p) {
    const s = turn.state;
    if (!p.exists) return s.incidentId ? fail(`an incident (${s.incidentId}) was opened`) : pass('no incident opened');
    if (!s.incidentId) return fail('no incident in the store');
    if (p.severity && s.severity !== p.severity) return fail(`${s.incidentId} is ${s.severity}, expected ${p.severity}`);
    if (p.status && s.status !== p.status) return fail(`${s.incidentId} is ${s.status}, expected ${p.status}`);
    if (p.roles_assigned && s.rolesFilled.length + s.rolesNeeded.length === 0) return fail('no roles recorded');
    if (p.action_items_min !== undefined && s.actionItems.length < p.action_items_min) return fail(`${s.actionItems.length} action item(s), expected at least ${p.action_items_min}`);
    return pass(`${s.incidentId} ${s.severity} ${s.status}`);
  },
});

export const STATE_GRADERS = [incidentState];
