import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent, type TurnResult } from '../agent/loop.js';
import { newSession, type Session } from '../agent/session.js';
import { packageRoot } from '../config/package-root.js';
import { silentLogger } from '../core/logger.js';
import { loadSoul, type Soul } from '../soul/load.js';
import { TOOL_NAMES } from '../../tools/index.js';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { oncallAdvice } from './plays/readiness.js';
import { Playbook } from './playbook.js';

let h: Harness;
let soul: Soul;
let session: Session;
let agent: Agent;

beforeEach(() => {
  h = createHarness({ start: '2026-11-26T14:00:00Z' });
  soul = loadSoul(join(packageRoot(), 'SOUL.md'), TOOL_NAMES);
  session = newSession(h.clock.now());
  const playbook = new Playbook(() => ({ services: [], settings: soul.config.settings, severity: h.ctx.severity }));
  agent = new Agent({
    model: playbook,
    fallback: null,
    soul: () => soul,
    registry: h.registry,
    context: () => h.ctx,
    sessions: h.sessions,
    templates: h.ctx.templates,
    clock: h.clock,
    logger: silentLogger(),
    actor: 'alex',
  });
});
afterEach(() => h.close());

const quiet = { onText: () => undefined, onNotice: () => undefined };
const say = (text: string): Promise<TurnResult> => agent.runTurn(session, text, quiet);
const names = (r: TurnResult): string[] => r.toolCalls.map((c) => c.name);

describe('offline playbook: incident reports it has never seen', () => {
  it.each([
    ['Checkout is slow for some customers, p99 latency is up', 'SEV2', 'customer'],
    ['Login is failing for about 30% of users for the last 10 minutes', 'SEV2', 'customer'],
    ['The internal build dashboard is down, no customer impact', 'SEV3', 'engineering'],
    ['We found exposed AWS credentials in a public GitHub repo', 'SEV1', 'engineering'],
    ['Disk on the primary database is 92% full, no customer impact yet', 'SEV4', 'engineering'],
  ])('%s → %s, roles before anything else, an update for %s', async (report, level, audience) => {
    const result = await say(report);
    expect(names(result).slice(0, 3)).toEqual(['classify_severity', 'open_incident', 'assign_roles']);
    expect((await h.store.getIncident(session.incidentId!))?.severity).toBe(level);
    const update = result.toolCalls.find((c) => c.name === 'draft_stakeholder_update');
    expect(update?.input['audience']).toBe(audience);
    expect(result.reply).toContain(`**Severity: ${level}**`);
    expect(result.reply).toMatch(/\?$/);
  });

  it('leads a security incident with the security response', async () => {
    const result = await say('We found exposed AWS credentials in a public GitHub repo');
    expect(result.reply).toMatch(/Page the security on-call now/);
    expect(result.reply).toMatch(/Preserve evidence before changing anything/);
    expect(result.reply).toMatch(/What exactly was exposed/);
  });

  it('raises when unsure and says what to confirm', async () => {
    const result = await say('Search is slow for some customers');
    expect(result.reply).toMatch(/\*\*Severity: SEV2\*\*.*Raised because it may be worse than the known facts show/s);
  });

  it('re-checks severity and logs new facts about the active incident instead of opening another', async () => {
    await say('Search is slow for some customers');
    h.clock.advanceMinutes(10);
    const result = await say('Now checkout is failing for all customers too');
    expect(names(result)).toEqual(['classify_severity', 'update_incident', 'log_event', 'get_incident']);
    expect(result.reply).toMatch(/\*\*Severity now SEV1\*\* \(was SEV2\)/);
    expect((await h.store.listIncidents()).length).toBe(1);
  });

  it('never calls a tool the persona does not allow', async () => {
    soul = {
      ...soul,
      config: {
        ...soul.config,
        tools: soul.config.tools.filter((t) => t !== 'fetch_deploys' && t !== 'draft_stakeholder_update'),
      },
    };
    const result = await say("Our payment API is returning 500 errors and customers can't check out");
    expect(names(result)).toEqual(['classify_severity', 'open_incident', 'assign_roles', 'find_similar_incidents']);
    expect(result.reply).toMatch(/Stakeholder update: customers every 15 minutes/);
  });
});

describe('offline playbook: advice', () => {
  it('computes the on-call answer for the team size', () => {
    expect(oncallAdvice(4)).toMatch(/primary once every 4 weeks.*50% of the time, about 13 primary weeks a year/s);
    expect(oncallAdvice(6)).toMatch(/primary once every 6 weeks.*33% of the time/s);
    expect(oncallAdvice(3)).toMatch(/two weeks in three — too much to sustain/);
    expect(oncallAdvice(2)).toMatch(/That burns people out/);
    expect(oncallAdvice(null)).toMatch(/assumed 6/);
  });
});
