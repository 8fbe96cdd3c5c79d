import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelEvents, ModelPort, ModelRequest, ModelResponse } from '../agent/types.js';
import { packageRoot } from '../config/package-root.js';
import { silentLogger } from '../core/logger.js';
import { parseSoul } from '../soul/load.js';
import { createRegistry, TOOL_NAMES } from '../../tools/index.js';
import { loadCases } from './case.js';
import { runCase } from './run-case.js';
import { runSuite, type SuiteReport } from './suite.js';
import { loadShared, offlineTarget } from './targets.js';
import { personaContext } from './persona.js';
import { checkContract } from './persona-contract.js';

const root = packageRoot();
const cases = loadCases(join(root, 'evals', 'cases'));

async function suite(options: { soulText?: string; wrap?: (port: ModelPort) => ModelPort } = {}): Promise<SuiteReport> {
  const shared = loadShared(
    join(root, 'SOUL.md'),
    join(root, 'config', 'severity.yaml'),
    createRegistry(),
    silentLogger(),
  );
  if (options.soulText) shared.soul = edited(options.soulText);
  const offline = offlineTarget(shared);
  const model = options.wrap ? (env: Parameters<typeof offline>[0]) => options.wrap!(offline(env)) : offline;
  return runSuite({
    cases,
    target: 'offline',
    repeat: 1,
    concurrency: 4,
    judge: null,
    persona: personaContext(shared.soul, shared.severity),
    produce: (c, run) => runCase(c, run, 'offline', model, shared),
  });
}

/** Failures of the gating cases (pending cases are known gaps of the playbook, reported apart). */
function failures(report: SuiteReport): string[] {
  return report.cases
    .filter((c) => c.status !== 'pending')
    .flatMap((c) =>
      c.runs.flatMap((r) => r.results.filter((x) => x.status === 'fail').map((x) => `${c.id}: ${x.label}: ${x.why}`)),
    );
}

const edited = (text: string) => parseSoul(text, { file: 'SOUL.md (edited)', toolNames: TOOL_NAMES });

const soulText = readFileSync(join(root, 'SOUL.md'), 'utf8');

/** A playbook that troubleshoots first: it looks at deploys before anyone holds a role. */
class TroubleshootsFirst implements ModelPort {
  readonly name = 'reckless';
  constructor(private readonly inner: ModelPort) {}
  async respond(request: ModelRequest, events: ModelEvents): Promise<ModelResponse> {
    const response = await this.inner.respond(request, events);
    const rolesNext = response.content.some((b) => b.type === 'tool_use' && b.name === 'assign_roles');
    const turnHasDeploys = request.messages.some(
      (m) => m.role === 'assistant' && m.content.some((b) => b.type === 'tool_use' && b.name === 'fetch_deploys'),
    );
    if (!rolesNext || turnHasDeploys) return response;
    const service = /"services":\["([^"]+)"/.exec(JSON.stringify(request.messages))?.[1] ?? 'payment-api';
    return {
      ...response,
      content: [
        {
          type: 'tool_use',
          id: `toolu_reckless_${request.messages.length}`,
          name: 'fetch_deploys',
          input: { service },
        },
      ],
    };
  }
}

/** A playbook that names a culprit in every final answer. */
class Blames implements ModelPort {
  readonly name = 'blaming';
  constructor(private readonly inner: ModelPort) {}
  async respond(request: ModelRequest, events: ModelEvents): Promise<ModelResponse> {
    const response = await this.inner.respond(request, events);
    if (response.stopReason !== 'end_turn') return response;
    return {
      ...response,
      content: [
        ...response.content.filter((b) => b.type !== 'text'),
        {
          type: 'text',
          text: `Dave pushed a bad config; this is on him. ${response.content.map((b) => (b.type === 'text' ? b.text : '')).join('')}`,
        },
      ],
    };
  }
}

describe('the eval suite catches a broken persona', () => {
  it('passes with the shipped SOUL.md and playbook', async () => {
    const report = await suite();
    expect(failures(report)).toEqual([]);
    expect(report.cases.every((c) => c.status === 'pass' || c.status === 'pending')).toBe(true);
    expect(checkContract(edited(soulText)).filter((r) => r.status === 'fail')).toEqual([]);
  });

  it('passes a legitimate change of settings: a 20-minute time-box, a 72-hour post-mortem deadline', async () => {
    const text = soulText
      .replace('hypothesis_timebox_minutes: 15', 'hypothesis_timebox_minutes: 20')
      .replace('postmortem_deadline_hours: 48', 'postmortem_deadline_hours: 72');
    expect(failures(await suite({ soulText: text }))).toEqual([]);
    expect(checkContract(edited(text)).filter((r) => r.status === 'fail')).toEqual([]);
  });

  it('fails when SOUL.md sets a 90-minute time-box', async () => {
    const text = soulText.replace('hypothesis_timebox_minutes: 15', 'hypothesis_timebox_minutes: 90');
    const found = failures(await suite({ soulText: text })).filter((f) => f.includes('timebox'));
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/time-box of 90 min .* is over 30 min: SOUL\.md's 90 min breaks the seed's time-box rule/);
    expect(checkContract(edited(text)).find((r) => r.status === 'fail')).toMatchObject({
      label: 'contract timebox-hypotheses',
    });
  });

  it('fails when SOUL.md gives post-mortems 7 days', async () => {
    const text = soulText.replace('postmortem_deadline_hours: 48', 'postmortem_deadline_hours: 168');
    const found = failures(await suite({ soulText: text })).filter((f) => f.includes('postmortem'));
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(
      /168 h .*over 72 h: SOUL\.md's 168 h breaks the seed's post-mortem rule|168 h for the post-mortem, over the 72 h/,
    );
  });

  it('fails the persona contract when the body inverts or drops a rule, naming it', () => {
    const inverted = soulText
      .replace(
        /1\. \*\*Assign explicit roles before troubleshooting\.\*\*[^\n]*/,
        '1. **Troubleshoot first, roles later.** Speed beats process.',
      )
      .replace('- **Never start troubleshooting before roles are assigned.**\n', '');
    expect(
      checkContract(edited(inverted))
        .filter((r) => r.status === 'fail')
        .map((r) => r.label),
    ).toEqual(['contract roles-before-troubleshooting']);
    const blaming = soulText.replace(
      '**Never blame individuals in post-mortems.**',
      '**Name the engineer responsible in every post-mortem.**',
    );
    expect(
      checkContract(edited(blaming))
        .filter((r) => r.status === 'fail')
        .map((r) => r.label),
    ).toEqual(['contract blameless']);
    const silent = soulText.replace(
      /2\. \*\*Communicate on a fixed cadence\*\*[^\n]*/,
      '2. **Only update stakeholders when there is news.**',
    );
    expect(checkContract(edited(silent)).find((r) => r.status === 'fail')?.label).toBe(
      'contract updates-even-no-change',
    );
  });

  it('fails a playbook that troubleshoots before assigning roles', async () => {
    const report = await suite({ wrap: (p) => new TroubleshootsFirst(p) });
    expect(
      failures(report).some((f) =>
        /roles_before_troubleshooting: fetch_deploys ran before roles were assigned/.test(f),
      ),
    ).toBe(true);
  });

  it('fails a playbook that blames a person', async () => {
    const report = await suite({ wrap: (p) => new Blames(p) });
    expect(failures(report).some((f) => /no_blame: blames: "Dave pushed a bad config/.test(f))).toBe(true);
  });
});
