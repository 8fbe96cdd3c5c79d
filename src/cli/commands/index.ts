import { type CommandEntry, entry } from '../command.js';
import * as spec from './specs.js';

/** Every command, in the order --help lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  entry(spec.CHAT, () => import('./chat.js')),
  entry(spec.ASK, () => import('./ask.js')),
  entry(spec.MCP, () => import('./mcp.js')),
  entry(spec.SLACK, () => import('./slack.js')),
  entry(spec.SLACK_MANIFEST, () => import('./slack.js').then((m) => ({ run: m.manifest }))),
  entry(spec.STATUS, () => import('./status.js')),
  entry(spec.POSTMORTEM, () => import('./postmortem.js')),
  entry(spec.EVAL, () => import('./eval.js')),
  entry(spec.SOUL_LINT, () => import('./soul-lint.js')),
  entry(spec.SEVERITY_LINT, () => import('./severity.js').then((m) => ({ run: m.lint }))),
  entry(spec.SEVERITY_SHOW, () => import('./severity.js').then((m) => ({ run: m.show }))),
  entry(spec.TOOLS_LIST, () => import('./tools.js').then((m) => ({ run: m.list }))),
  entry(spec.TOOLS_CALL, () => import('./tools.js').then((m) => ({ run: m.call }))),
  entry(spec.INCIDENTS_LIST, () => import('./incidents.js')),
  entry(spec.RUNBOOKS_LINT, () => import('./runbooks.js')),
  entry(spec.SLO_CHECK, () => import('./slo.js')),
  entry(spec.ONCALL_PLAN, () => import('./oncall.js')),
  entry(spec.GAMEDAY, () => import('./gameday.js')),
  entry(spec.INTEGRATIONS_SERVE, () => import('./integrations.js').then((m) => ({ run: m.serve }))),
  entry(spec.INTEGRATIONS_STATUS, () => import('./integrations.js').then((m) => ({ run: m.status }))),
  entry(spec.UPDATES_LIST, () => import('./updates.js').then((m) => ({ run: m.list }))),
  entry(spec.UPDATES_SHOW, () => import('./updates.js').then((m) => ({ run: m.show }))),
  entry(spec.UPDATES_APPROVE, () => import('./updates.js').then((m) => ({ run: m.approve }))),
  entry(spec.UPDATES_EDIT, () => import('./updates.js').then((m) => ({ run: m.edit }))),
  entry(spec.UPDATES_DISCARD, () => import('./updates.js').then((m) => ({ run: m.discard }))),
];
