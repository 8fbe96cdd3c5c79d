import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/logger.js';
import { chatApprovals } from '../../src/integrations/customer-approvals.js';
import { openIntegrations } from '../../src/integrations/open.js';
import { createAgent } from '../../src/runtime/agent.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { type SlackAppHandle, startSlackApp } from '../../src/slack/app.js';
import { DEFAULT_SETTINGS, type SlackSettings, slackCredentials } from '../../src/slack/config.js';
import { FakeClock } from './fake-clock.js';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';

export const SIGNING_SECRET = '5f1e0c2a9b7d4e3f8a6c1b0d2e4f6a8c';

/** The people of the tests' workspace: Slack ids and the names the roster knows them by. */
export const PEOPLE = {
  alice: 'UALICE001',
  bob: 'UBOB00001',
  carol: 'UCAROL001',
  dave: 'UDAVE0001',
  erin: 'UERIN0001',
} as const;

export interface SlackHarness {
  fake: FakeSlack;
  handle: SlackAppHandle;
  runtime: Runtime;
  clock: FakeClock;
  home: string;
  db: string;
  /** The base URL response_url endpoints live under. */
  responses: string;
  /** Lets the app finish what it started, then returns. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface SlackHarnessOptions {
  mode?: 'socket' | 'http';
  fake?: FakeSlack;
  clock?: FakeClock;
  /** Share a database with another harness (another instance). */
  db?: string;
  settings?: Partial<SlackSettings>;
  sleep?: (ms: number) => Promise<void>;
  /** Write a roster naming the test people. */
  roster?: boolean;
}

/** A real Bolt app over a real runtime (SQLite file, offline playbook), talking to a fake Slack on loopback. */
export async function startSlackHarness(options: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const fake = options.fake ?? (await startFakeSlack());
  const ownsFake = !options.fake;
  const clock = options.clock ?? new FakeClock('2026-11-26T14:00:00.000Z');
  fake.tsBase = Math.floor(clock.now().getTime() / 1000);
  const home = mkdtempSync(join(tmpdir(), 'ic-slack-'));
  const db = options.db ?? join(home, 'state.db');
  for (const [name, id] of Object.entries(PEOPLE)) fake.addUser(id, name[0]!.toUpperCase() + name.slice(1));
  let roster: string | undefined;
  if (options.roster) {
    roster = join(home, 'roster.yaml');
    writeFileSync(
      roster,
      `people:\n${Object.entries(PEOPLE)
        .map(([name, id]) => `  - name: ${name[0]!.toUpperCase()}${name.slice(1)}\n    slack: ${id}\n`)
        .join('')}`,
    );
  }
  const env: NodeJS.ProcessEnv = {
    INCIDENT_COMMANDER_HOME: home,
    SLACK_BOT_TOKEN: 'xoxb-1111-2222-testtoken',
    SLACK_APP_TOKEN: 'xapp-1-A111-2222-testtoken',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    INCIDENT_COMMANDER_SLACK_API_URL: fake.apiUrl,
  };
  const mode = options.mode ?? 'socket';
  const runtime = openRuntime({
    overrides: { home, db, ...(roster ? { roster } : {}) },
    env,
    clock,
    logger: silentLogger(),
  });
  const setup = await createAgent(runtime, { offline: true }, env, 'slack');
  const before = fake.connections;
  // As `incident-commander slack` wires it: customer text goes to the integrations' approval desk
  // (no status page configured here, so an approval is recorded and waits to be published).
  const integrations = openIntegrations(runtime, { env, file: null });
  const handle = await startSlackApp({
    runtime,
    setup,
    approvals: chatApprovals(integrations, (actor) => runtime.context(actor)),
    credentials: slackCredentials(env, mode),
    mode,
    settings: { ...DEFAULT_SETTINGS, channelSpacingMs: 0, ...options.settings },
    logger: silentLogger(),
    timers: false,
    http: { host: '127.0.0.1', port: 0 },
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  if (mode === 'socket') await fake.until(() => fake.connections > before, 'the Socket Mode connection');
  return {
    fake,
    handle,
    runtime,
    clock,
    home,
    db,
    responses: `http://127.0.0.1:${fake.port}`,
    settle: () => handle.idle(),
    async close() {
      await handle.stop();
      await integrations.close();
      await runtime.close();
      if (ownsFake) await fake.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
