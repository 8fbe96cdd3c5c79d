import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let root: string;
let env: NodeJS.ProcessEnv;
const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ic-runbooks-cli-'));
  env = {
    INCIDENT_COMMANDER_HOME: join(root, 'home'),
    INCIDENT_COMMANDER_SOUL: '',
    INCIDENT_COMMANDER_ROSTER: '',
    INCIDENT_COMMANDER_RUNBOOKS: '',
    INCIDENT_COMMANDER_SERVICES: join(root, 'services.yaml'),
  };
  writeFileSync(
    join(root, 'services.yaml'),
    'services:\n  payment-api:\n    alerts:\n      - name: CheckoutErrorRateHigh\n      - name: PaymentGatewayTimeouts\n',
  );
  mkdirSync(join(root, 'runbooks'));
  writeFileSync(
    join(root, 'runbooks', 'checkout.md'),
    `---\ntitle: Checkout errors\nservices: [payment-api]\nalerts: [CheckoutErrorRateHigh]\nowner: payments-oncall\nlast_tested: ${daysAgo(10)}\n---\nRoll back first.\n`,
  );
  writeFileSync(
    join(root, 'runbooks', 'gateway.md'),
    `---\ntitle: Gateway timeouts\nservices: [payment-api]\nalerts: []\nowner: payments-oncall\nlast_tested: ${daysAgo(120)}\n---\nFail over to the secondary gateway.\n`,
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('incident-commander runbooks lint (real process)', () => {
  it('lists the stale runbook and the paging alert without one, and exits 1', async () => {
    const out = await runCli(['runbooks', 'lint', join(root, 'runbooks')], { env });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(
      /Not tested within a quarter \(92 days\) \(1\):\n {2}gateway\.md "Gateway timeouts" — owner payments-oncall, last tested \d{4}-\d\d-\d\d \(120 days ago\)/,
    );
    expect(out.stdout).toMatch(/Paging alerts without a runbook \(1\):\n {2}payment-api: PaymentGatewayTimeouts/);
    const json = JSON.parse(
      (await runCli(['runbooks', 'lint', '--runbooks', join(root, 'runbooks'), '--json'], { env })).stdout,
    ) as { ok: boolean; stale: { file: string }[]; uncovered: unknown[] };
    expect(json).toMatchObject({
      ok: false,
      stale: [{ file: 'gateway.md' }],
      uncovered: [{ service: 'payment-api', alert: 'PaymentGatewayTimeouts' }],
    });
  });

  it('exits 0 when every runbook is fresh and every paging alert is covered', async () => {
    writeFileSync(
      join(root, 'services-ok.yaml'),
      'services:\n  payment-api:\n    alerts: [{ name: CheckoutErrorRateHigh }, { name: PaymentGatewayTimeouts, paging: false }]\n',
    );
    const dir = join(root, 'fresh');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'checkout.md'),
      `---\ntitle: Checkout errors\nservices: [payment-api]\nalerts: [CheckoutErrorRateHigh]\nowner: payments-oncall\nlast_tested: ${daysAgo(1)}\n---\nRoll back first.\n`,
    );
    const out = await runCli(['runbooks', 'lint', dir, '--services', join(root, 'services-ok.yaml')], { env });
    expect(out.stdout).toMatch(/OK: every runbook tested within a quarter/);
    expect(out.code).toBe(0);
  });

  it('names a missing folder, and asks for one when none is configured', async () => {
    const missing = await runCli(['runbooks', 'lint', join(root, 'nope')], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope: folder not found\nPass --runbooks DIR/);
    const none = await runCli(['runbooks', 'lint'], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no runbooks folder/);
  });
});
