import { describe, expect, it } from 'vitest';
import { STATE_GRADERS } from './state.js';
import { TEXT_GRADERS } from './text.js';
import { TRAJECTORY_GRADERS } from './trajectory.js';
import type { RecordedToolCall, Transcript, TurnRecord } from '../transcript.js';
import { GRADERS } from './index.js';
import { NO_INCIDENT } from '../turn-state.js';

function turn(reply: string, toolCalls: RecordedToolCall[] = [], state: Partial<TurnRecord['state']> = {}): TurnRecord {
  return {
    user: 'u',
    at: '2026-03-10T14:00:00.000Z',
    reply,
    toolCalls,
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    costUsd: 0,
    stopReason: 'end_turn',
    model: 'test',
    error: null,
    state: {
      ...NO_INCIDENT,
      incidentId: 'INC-1',
      severity: 'SEV1',
      status: 'investigating',
      rolesFilled: ['incident_commander'],
      rolesNeeded: ['scribe'],
      actionItems: [],
      timelineLength: 3,
      cadenceMisses: [],
      timeboxOverruns: [],
      ...state,
    },
  };
}

const call = (name: string, input: Record<string, unknown> = {}, isError = false): RecordedToolCall => ({
  name,
  input,
  output: {},
  isError,
});

function grade(name: string, params: unknown, t: TurnRecord, earlier: RecordedToolCall[] = []): string {
  const grader = GRADERS.get(name);
  if (!grader) throw new Error(`no grader ${name}`);
  const parsed = grader.params.parse(params);
  const transcript: Transcript = {
    version: 1,
    caseId: 'c',
    run: 1,
    target: 't',
    soulHash: 'h',
    startedAt: '',
    turns: [t],
  };
  return grader.grade({ turn: t, turnIndex: 0, transcript, callsSoFar: [...earlier, ...t.toolCalls] }, parsed as never)
    .status;
}

describe('graders: each passes a good reply and fails a bad one', () => {
  it.each([
    ['severity_stated', { level: 'SEV1' }, '**Severity: SEV1** — revenue path down.', 'Severity: SEV2 — degraded.'],
    ['severity_stated', {}, 'This is a SEV3.', 'It is pretty bad.'],
    ['escalation_stated', {}, 'Escalation triggered: paging the IC on call.', 'Let us look at the logs.'],
    [
      'roles_named',
      {},
      'IC: you. Comms: need someone. Tech Lead: Priya. Scribe: need someone.',
      'IC: you. Tech Lead: Priya.',
    ],
    ['next_update_time', {}, 'Next update: in 15 minutes (by 14:15 UTC).', 'We will update later.'],
    [
      'update_cadence',
      { minutes: 15 },
      'Update the status page every 15 minutes.',
      'Update the status page every 30 minutes.',
    ],
    ['asks_question', {}, 'Roll back now.\n\nWhat do your error logs show?', 'What happened? Roll back now.'],
    [
      'no_blame',
      {},
      'A config change reached production without validation. Not "Dave pushed a bad config".',
      'Dave pushed a bad config, so this is on him.',
    ],
    [
      'no_blame',
      {},
      'The alert did not fire because no SLO covered checkout.',
      'Root cause: human error by the on-call.',
    ],
    ['mentions', { all: ['roll ?back'], any: ['deploy', 'release'] }, 'Roll back the deploy now.', 'Check the deploy.'],
    ['not_mentions', { patterns: ['payment-api'] }, 'Checkout is unavailable.', 'payment-api is returning 500s.'],
    [
      'timebox_within',
      { max_minutes: 15 },
      'Time-box each hypothesis to 15 minutes.',
      'Time-box each hypothesis to 90 minutes.',
    ],
    ['timebox_within', {}, 'Give it a 10-minute time-box.', 'Keep digging until you find it.'],
    [
      'postmortem_deadline_within',
      { max_hours: 48 },
      'The post-mortem is due within 48 hours.',
      'The post-mortem is due within 168 hours.',
    ],
    [
      'postmortem_deadline_within',
      {},
      'Schedule the post-mortem: due in 2 days.',
      'Schedule the post-mortem: due in 7 days.',
    ],
    [
      'action_items_owned',
      {},
      '- AI-1 Alert on checkout error rate — owner Priya, due 2026-03-24',
      '- AI-1 Alert on checkout error rate',
    ],
    ['no_change_stated', {}, 'No change since the last update: still investigating.', 'Update: we are working on it.'],
  ])('%s %j', (name, params, good, bad) => {
    expect(grade(name, params, turn(good))).toBe('pass');
    expect(grade(name, params, turn(bad))).toBe('fail');
  });

  it('says skip, never pass, when there is nothing to check', () => {
    expect(grade('action_items_owned', {}, turn('No action items yet.'))).toBe('skip');
    expect(grade('timebox_within', { required: false }, turn('Roll back.'))).toBe('skip');
    expect(grade('postmortem_deadline_within', { required: false }, turn('Roll back.'))).toBe('skip');
    expect(grade('no_blame', {}, turn(''))).toBe('skip');
  });

  it.each([
    ['tool_called', 'classify_severity', [call('classify_severity')], [call('open_incident')]],
    [
      'tool_called',
      { name: 'draft_stakeholder_update', with: { audience: 'customer' } },
      [call('draft_stakeholder_update', { audience: 'customer' })],
      [call('draft_stakeholder_update', { audience: 'executive' })],
    ],
    ['tool_called', 'assign_roles', [call('assign_roles')], [call('assign_roles', {}, true)]],
    ['tool_not_called', 'create_action_item', [call('get_incident')], [call('create_action_item')]],
    [
      'roles_before_troubleshooting',
      {},
      [call('assign_roles'), call('fetch_deploys')],
      [call('fetch_deploys'), call('assign_roles')],
    ],
    [
      'severity_before_roles',
      {},
      [call('classify_severity'), call('assign_roles')],
      [call('assign_roles'), call('classify_severity')],
    ],
    [
      'action_items_via_tool',
      {},
      [call('create_action_item', { owner: 'Priya', due: '14d' })],
      [call('create_action_item', { owner: 'Priya' }, true)],
    ],
    [
      'no_untracked_action_items',
      {},
      [call('create_action_item', { owner: 'Priya', due: '14d' })],
      [call('create_action_item', { title: 'x' }, true)],
    ],
  ])('%s %j', (name, params, good, bad) => {
    expect(grade(name, params, turn('ok', good))).toBe('pass');
    expect(grade(name, params, turn('ok', bad))).toBe('fail');
  });

  it("counts roles assigned in an earlier turn before this turn's troubleshooting", () => {
    expect(grade('roles_before_troubleshooting', {}, turn('ok', [call('fetch_deploys')]), [call('assign_roles')])).toBe(
      'pass',
    );
    expect(grade('roles_before_troubleshooting', {}, turn('ok', [call('fetch_deploys')]), [])).toBe('fail');
  });

  it('roles_before_troubleshooting can match a call by its kind', () => {
    const params = { troubleshooting: ['log_event:action'] };
    expect(
      grade(
        'roles_before_troubleshooting',
        params,
        turn('ok', [call('log_event', { kind: 'action' }), call('assign_roles')]),
      ),
    ).toBe('fail');
    expect(
      grade(
        'roles_before_troubleshooting',
        params,
        turn('ok', [call('log_event', { kind: 'note' }), call('assign_roles')]),
      ),
    ).toBe('pass');
  });

  it('checks the state left in the store', () => {
    expect(grade('incident_state', { severity: 'SEV1', roles_assigned: true }, turn('ok'))).toBe('pass');
    expect(grade('incident_state', { severity: 'SEV2' }, turn('ok'))).toBe('fail');
    expect(grade('incident_state', { exists: false }, turn('ok', [], { incidentId: null }))).toBe('pass');
    expect(grade('incident_state', { exists: false }, turn('ok'))).toBe('fail');
  });
});

describe('grader registry', () => {
  it('has no two graders with the same name', () => {
    const names = [...TEXT_GRADERS, ...TRAJECTORY_GRADERS, ...STATE_GRADERS].map((g) => g.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('graders stay independent of the commander they judge', () => {
  it('import nothing from the language layer, the playbook, the severity extractor or the blameless check', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { packageRoot } = await import('../../config/package-root.js');
    const dirs = ['src/evals/graders', 'src/evals/meaning'].map((d) => join(packageRoot(), d));
    const files = dirs.flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(d, f)),
    );
    files.push(join(packageRoot(), 'src/evals/persona-contract.ts'), join(packageRoot(), 'src/evals/persona.ts'));
    const forbidden =
      /from '[^']*\/(?:language|playbook)\/|from '[^']*severity\/extract|from '[^']*incident\/blameless|from '[^']*gameday\/interpret/;
    expect(files.filter((f) => forbidden.test(readFileSync(f, 'utf8')))).toEqual([]);
  });
});
