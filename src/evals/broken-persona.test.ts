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

const root = packageRoot();
const cases = loadCases(join(root, 'evals', 'cases'));

async function suite(options: { soulText?: string; wrap?: (port: ModelPort) => ModelPort } = {}): Promise<SuiteReport> {
  const shared = loadShared(
    join(root, 'SOUL.md'),
    join(root, 'config', 'severity.yaml'),
    createRegistry(),
    silentLogger(),
  );
  if (options.soulText) shared.soul = parseSoul(options.soulText, { file: 'SOUL.md (edited)', toolNames: TOOL_NAMES });
  const offline = offlineTarget(shared);
  const model = options.wrap ? (env: Parameters<typeof offline>[0]) => options.wrap!(offline(env)) : offline;
  return runSuite({
    cases,
    target: 'offline',
    repeat: 1,
    concurrency: 4,
    judge: null,
    produce: (c, run) => runCase(c, run, 'offline', model, shared),
  });
}

function failures(report: SuiteReport): string[] {
  return report.cases.flatMap((c) =>
    c.runs.flatMap((r) => r.results.filter((x) => x.status === 'fail').map((x) => `${c.id}: ${x.label}: ${x.why}`)),
  );
}

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
    expect(report.cases.every((c) => c.status === 'pass')).toBe(true);
  });

  it('fails when SOUL.md sets a 90-minute time-box', async () => {
    const report = await suite({
      soulText: soulText.replace('hypothesis_timebox_minutes: 15', 'hypothesis_timebox_minutes: 90'),
    });
    const found = failures(report).filter((f) => f.includes('timebox_within'));
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/time-box of 90 min is over 15/);
  });

  it('fails when SOUL.md gives post-mortems 7 days', async () => {
    const report = await suite({
      soulText: soulText.replace('postmortem_deadline_hours: 48', 'postmortem_deadline_hours: 168'),
    });
    const found = failures(report).filter((f) => f.includes('postmortem_deadline_within'));
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/post-mortem deadline of 168 h is over 48 h/);
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
