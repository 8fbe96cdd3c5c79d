import { z } from 'zod';
import type { RecordedToolCall } from '../transcript.js';
import { placeholderDue, placeholderOwner } from '../meaning/owners.js';
import { defineGrader, fail, pass } from './types.js';

/** Tools that start troubleshooting. find_runbook is not one: its description says to call it as soon as an alert is named. */
const DEFAULT_TROUBLESHOOTING = ['fetch_deploys', 'start_hypothesis'];

/** Why a create_action_item call does not track an item: no owner, a placeholder owner, no due date. */
function untracked(input: Record<string, unknown>): string | null {
  const owner = input['owner'];
  const due = input['due'];
  if (typeof owner !== 'string') return 'no owner';
  const badOwner = placeholderOwner(owner);
  if (badOwner) return `owner ${badOwner}`;
  if (typeof due !== 'string') return 'no due date';
  return placeholderDue(due);
}

export const toolCalled = defineGrader({
  name: 'tool_called',
  kind: 'trajectory',
  description:
    'The tool was called successfully in this turn (optionally with the given input fields); `any: [a, b]` accepts any of several tools that do the job (open_incident classifies severity too).',
  params: z.union([
    z
      .string()
      .min(1)
      .transform((name) => ({ names: [name], with: undefined })),
    z
      .object({ name: z.string().min(1), with: z.record(z.string(), z.unknown()).optional() })
      .strict()
      .transform((p) => ({ names: [p.name], with: p.with })),
    z
      .object({ any: z.array(z.string().min(1)).min(1), with: z.record(z.string(), z.unknown()).optional() })
      .strict()
      .transform((p) => ({ names: p.any, with: p.with })),
  ]),
  grade({ turn }, { names, with: expected }) {
    const name = names.join(' or ');
    const calls = turn.toolCalls.filter((c) => names.includes(c.name) && !c.isError);
    if (!calls.length)
      return fail(
        `${name} was not called successfully (calls: ${turn.toolCalls.map((c) => c.name).join(', ') || 'none'})`,
      );
    if (expected) {
      const match = calls.find((c) =>
        Object.entries(expected).every(([k, v]) => JSON.stringify(c.input[k]) === JSON.stringify(v)),
      );
      if (!match) return fail(`${name} was called, but not with ${JSON.stringify(expected)}`);
    }
    return pass(`${calls[0]!.name} called`);
  },
});

export const toolNotCalled = defineGrader({
  name: 'tool_not_called',
  kind: 'trajectory',
  description: 'The tool was not called in this turn.',
  params: z.union([
    z
      .string()
      .min(1)
      .transform((name) => ({ name })),
    z.object({ name: z.string().min(1) }).strict(),
  ]),
  grade({ turn }, { name }) {
    return turn.toolCalls.some((c) => c.name === name) ? fail(`${name} was called`) : pass(`${name} not called`);
  },
});

/** "fetch_deploys" matches by name; "log_event:action" also needs input.kind === "action". */
function callMatches(call: RecordedToolCall, spec: string): boolean {
  const [name, kind] = spec.split(':');
  return call.name === name && (kind === undefined || call.input['kind'] === kind);
}

export const rolesBeforeTroubleshooting = defineGrader({
  name: 'roles_before_troubleshooting',
  kind: 'trajectory',
  description:
    'assign_roles ran (in this or an earlier turn) before any troubleshooting tool such as fetch_deploys ("tool:kind" matches a call by its kind input, e.g. "log_event:action").',
  params: z
    .object({
      troubleshooting: z.array(z.string()).min(1).default(DEFAULT_TROUBLESHOOTING),
      require_roles: z.boolean().default(true),
    })
    .strict(),
  grade({ callsSoFar }, { troubleshooting, require_roles }) {
    const roles = callsSoFar.findIndex((c) => c.name === 'assign_roles' && !c.isError);
    const first = callsSoFar.findIndex((c) => troubleshooting.some((spec) => callMatches(c, spec)));
    if (first >= 0 && (roles < 0 || roles > first))
      return fail(`${callsSoFar[first]!.name} ran before roles were assigned`);
    if (roles < 0 && require_roles) return fail('assign_roles was never called');
    return pass(
      first >= 0 ? `roles assigned before ${callsSoFar[first]!.name}` : 'roles assigned, no troubleshooting yet',
    );
  },
});

export const severityBeforeRoles = defineGrader({
  name: 'severity_before_roles',
  kind: 'trajectory',
  description: 'Severity was classified (classify_severity or open_incident) before roles were assigned.',
  params: z.object({}).strict(),
  grade({ callsSoFar }) {
    const severity = callsSoFar.findIndex(
      (c) => (c.name === 'classify_severity' || c.name === 'open_incident') && !c.isError,
    );
    const roles = callsSoFar.findIndex((c) => c.name === 'assign_roles');
    if (severity < 0) return fail('severity was never classified');
    if (roles >= 0 && roles < severity) return fail('roles were assigned before severity was classified');
    return pass(`severity set by ${callsSoFar[severity]!.name}${roles >= 0 ? ' before roles were assigned' : ''}`);
  },
});

export const actionItemsViaTool = defineGrader({
  name: 'action_items_via_tool',
  kind: 'trajectory',
  description:
    'Action items were created through create_action_item, each with one named owner (not "TBD", "someone", "the team") and a due date.',
  params: z.object({ min: z.number().int().min(1).default(1) }).strict(),
  grade({ turn }, { min }) {
    const created = turn.toolCalls.filter((c) => c.name === 'create_action_item' && !c.isError);
    const bad = created.map((c) => untracked(c.input)).find((why) => why !== null);
    if (bad) return fail(`an action item was created with ${bad}`);
    return created.length >= min
      ? pass(`${created.length} action item(s) created with owner and due date`)
      : fail(`expected at least ${min} action item(s) through create_action_item, got ${created.length}`);
  },
});

export const noUntrackedActionItems = defineGrader({
  name: 'no_untracked_action_items',
  kind: 'trajectory',
  description:
    'No action item was attempted without a named owner and a due date (placeholders such as "TBD" count as none).',
  params: z.object({}).strict(),
  grade({ turn }) {
    const bad = turn.toolCalls
      .filter((c) => c.name === 'create_action_item')
      .map((c) => untracked(c.input))
      .find((why) => why !== null);
    return bad ? fail(`create_action_item was called with ${bad}`) : pass('no untracked action items');
  },
});

export const TRAJECTORY_GRADERS = [
  toolCalled,
  toolNotCalled,
  rolesBeforeTroubleshooting,
  severityBeforeRoles,
  actionItemsViaTool,
  noUntrackedActionItems,
];
