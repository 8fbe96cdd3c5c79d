import type { z } from 'zod';
import { assignRolesOutput } from '../../tools/assign-roles.js';
import { classifySeverityOutput } from '../../tools/classify-severity.js';
import { createActionItemOutput } from '../../tools/create-action-item.js';
import { draftStakeholderUpdateOutput } from '../../tools/draft-stakeholder-update.js';
import { fetchDeploysOutput } from '../../tools/fetch-deploys.js';
import { getIncidentOutput } from '../../tools/get-incident.js';
import { openIncidentOutput } from '../../tools/open-incident.js';
import { resolveIncidentOutput } from '../../tools/resolve-incident.js';
import { findSimilarIncidentsOutput } from '../../tools/find-similar-incidents.js';
import { generatePostmortemOutput } from '../../tools/generate-postmortem.js';
import { startHypothesisOutput } from '../../tools/start-hypothesis.js';
import { checkErrorBudgetOutput } from '../../tools/check-error-budget.js';
import { findRunbookOutput } from '../../tools/find-runbook.js';
import { planOncallRotationOutput } from '../../tools/plan-oncall-rotation.js';
import { updateIncidentOutput } from '../../tools/update-incident.js';
import { resolveHypothesisOutput } from '../../tools/resolve-hypothesis.js';
import { lastCall, type Turn } from './turn.js';

/** Tool results the playbook reads, validated with each tool's own output schema. */
const SCHEMAS = {
  classify_severity: classifySeverityOutput,
  open_incident: openIncidentOutput,
  assign_roles: assignRolesOutput,
  fetch_deploys: fetchDeploysOutput,
  draft_stakeholder_update: draftStakeholderUpdateOutput,
  get_incident: getIncidentOutput,
  create_action_item: createActionItemOutput,
  resolve_incident: resolveIncidentOutput,
  find_similar_incidents: findSimilarIncidentsOutput,
  generate_postmortem: generatePostmortemOutput,
  start_hypothesis: startHypothesisOutput,
  check_error_budget: checkErrorBudgetOutput,
  find_runbook: findRunbookOutput,
  plan_oncall_rotation: planOncallRotationOutput,
  update_incident: updateIncidentOutput,
  resolve_hypothesis: resolveHypothesisOutput,
} as const;

type Known = keyof typeof SCHEMAS;
export type Output<K extends Known> = z.output<(typeof SCHEMAS)[K]>;

/** The latest successful result of a tool in this turn, if it validates. */
export function result<K extends Known>(turn: Turn, name: K): Output<K> | undefined {
  const call = lastCall(turn, name);
  if (!call) return undefined;
  const parsed = SCHEMAS[name].safeParse(call.output);
  return parsed.success ? (parsed.data as Output<K>) : undefined;
}

/** Every successful result of a tool in this turn (several stakeholder updates, several action items). */
export function results<K extends Known>(turn: Turn, name: K): Output<K>[] {
  return turn.calls
    .filter((c) => c.name === name && c.ok)
    .map((c) => SCHEMAS[name].safeParse(c.output))
    .filter((p) => p.success)
    .map((p) => p.data as Output<K>);
}

/** The error text of the latest failed call of a tool in this turn. */
export function failure(turn: Turn, name: string): string | undefined {
  const call = [...turn.calls].reverse().find((c) => c.name === name);
  return call && !call.ok ? String(call.output) : undefined;
}
