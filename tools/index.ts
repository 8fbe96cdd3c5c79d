import { ToolRegistry } from '../src/registry/registry.js';
import type { Tool } from '../src/registry/types.js';
import { assignRoles } from './assign-roles.js';
import { classifySeverity } from './classify-severity.js';
import { checkBlameless } from './check-blameless.js';
import { checkErrorBudget } from './check-error-budget.js';
import { planOncallRotation } from './plan-oncall-rotation.js';
import { createActionItem } from './create-action-item.js';
import { generatePostmortemTool } from './generate-postmortem.js';
import { draftStakeholderUpdate } from './draft-stakeholder-update.js';
import { fetchDeploys } from './fetch-deploys.js';
import { findRunbook } from './find-runbook.js';
import { findSimilarIncidents } from './find-similar-incidents.js';
import { getIncident } from './get-incident.js';
import { listActionItems } from './list-action-items.js';
import { logEvent } from './log-event.js';
import { openIncident } from './open-incident.js';
import { resolveIncident } from './resolve-incident.js';
import { updateIncident } from './update-incident.js';
import { resolveHypothesis } from './resolve-hypothesis.js';
import { startHypothesis } from './start-hypothesis.js';
import { updateActionItem } from './update-action-item.js';

/** Every tool, in the order a response uses them; readiness tools (runbooks, SLOs, on-call) last. */
export const ALL_TOOLS: readonly Tool[] = [
  classifySeverity,
  openIncident,
  assignRoles,
  getIncident,
  updateIncident,
  resolveIncident,
  logEvent,
  startHypothesis,
  resolveHypothesis,
  findSimilarIncidents,
  findRunbook,
  fetchDeploys,
  draftStakeholderUpdate,
  createActionItem,
  listActionItems,
  updateActionItem,
  generatePostmortemTool,
  checkBlameless,
  checkErrorBudget,
  planOncallRotation,
];

export const TOOL_NAMES: readonly string[] = ALL_TOOLS.map((t) => t.name);

export function createRegistry(): ToolRegistry {
  return new ToolRegistry(ALL_TOOLS);
}
