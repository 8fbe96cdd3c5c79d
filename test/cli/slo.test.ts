import { z } from 'zod';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runParsed } from '../../src/cli/commands/slo.js';
import { SLO_CHECK } from '../../src/cli/commands/specs.js';
import { parseCommand } from '../../src/cli/parse.js';
import { UsageError, type CliIO } from '../../src/cli/io.js';

const run = (argv: string[], io: CliIO): Promise<number> => runParsed(parseCommand(SLO_CHECK, argv, z), io);

const SLOS = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Successful checkouts
      targetPercent: 99.9
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-availability
spec:
  service: search
  timeWindow:
    - duration: 4w
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-uptime
spec:
  service: api
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Timeslices
  objectives:
    - target: 0.999
      timeSliceTarget: 0.95
      timeSliceWindow: 1m
`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ic-slo-'));
  writeFileSync(join(dir, 'slo.yaml'), SLOS);
  writeFileSync(
    join(dir, 'broken.yaml'),
    'apiVersion: openslo/v1\nkind: SLO\nmetadata: { name: x }\nspec: { service: s, timeWindow: [{ duration: 30d }], budgetingMethod: Occurrences, objectives: [{ target: 1.5 }] }\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeIO(): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    readStdin: async () => '',
    env: {},
    cwd: '',
  };
  io.cwd = dir;
  return io;
}

async function usageError(argv: string[]): Promise<UsageError> {
  try {
    await run(argv, fakeIO());
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

const CHECKOUT = ['--file', 'slo.yaml', '--name', 'checkout-availability'];

describe('incident-commander slo check', () => {
  it('prints the budget and pages on a fast burn', async () => {
    const io = fakeIO();
    const code = await run(
      [
        ...CHECKOUT,
        '--good',
        '999550',
        '--total',
        '1000000',
        '--ratio-1h',
        '0.0144',
        '--ratio-5m',
        '0.02',
        '--ratio-6h',
        '0.001',
        '--ratio-30m',
        '0.001',
        '--ratio-3d',
        '0.0004',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(io.err).toBe('');
    expect(io.out).toContain(
      'SLO checkout-availability / Successful checkouts (service checkout, slo.yaml): 99.9% over a rolling 30-day window, Occurrences',
    );
    expect(io.out).toContain('Error budget: 0.1% of events = 1000 bad events allowed');
    expect(io.out).toContain('Consumed: 450 bad events = 45% of the budget; 55% remains');
    expect(io.out).toContain('Burn rates: 5m 20, 30m 1, 1h 14.4, 6h 1, 3d 0.4');
    expect(io.out).toMatch(/^Decision: PAGE — 2% of the 30-day budget burns in 1 hour: page/m);
    expect(io.out).toMatch(/^Release freeze: no freeze: 55% of the budget remains$/m);
  });

  it('prints JSON with the decision, and says unknown when windows are missing', async () => {
    const io = fakeIO();
    expect(
      await run(
        [
          ...CHECKOUT,
          '--good',
          '998000',
          '--total',
          '1000000',
          '--ratio-1h',
          '0.02',
          '--incident-bad',
          '400',
          '--json',
        ],
        io,
      ),
    ).toBe(0);
    const out = JSON.parse(io.out) as {
      ok: boolean;
      slo: { target: number; windowDays: number };
      budget: { exhausted: boolean; consumedFraction: number };
      decision: string;
      missingWindows: string[];
      policy: { releaseFreeze: boolean; postmortemRequired: boolean };
    };
    expect(out).toMatchObject({
      ok: true,
      slo: { target: 0.999, windowDays: 30 },
      budget: { exhausted: true, consumedFraction: 2 },
      decision: 'unknown',
      missingWindows: ['5m', '30m', '6h', '3d'],
    });
    expect(out.policy).toMatchObject({ releaseFreeze: true, postmortemRequired: true });
  });

  it('uses the 4-week thresholds of a 4w SLO', async () => {
    const io = fakeIO();
    // Burn rate 13.5: a page at the 28-day threshold 13.44, which 30 days (14.4) would not page.
    const ratios = [
      '--ratio-5m',
      '0.135',
      '--ratio-1h',
      '0.135',
      '--ratio-30m',
      '0',
      '--ratio-6h',
      '0.0095',
      '--ratio-3d',
      '0.0095',
    ];
    expect(
      await run(
        ['--file', 'slo.yaml', '--name', 'search-availability', '--good', '99000', '--total', '100000', ...ratios],
        io,
      ),
    ).toBe(0);
    expect(io.out).toMatch(/page_1h_5m\s+threshold 13\.44\s+fired/);
    expect(io.out).toMatch(/ticket_3d_6h\s+threshold 0\.9333\s+fired/);
    expect(io.out).toMatch(/^Decision: PAGE — 2% of the 28-day budget burns in 1 hour/m);
  });

  it('refuses a Timeslices SLO rather than computing wrong numbers', async () => {
    const io = fakeIO();
    expect(await run(['--file', 'slo.yaml', '--name', 'api-uptime', '--good', '10', '--total', '10'], io)).toBe(1);
    expect(io.out).toBe('');
    expect(io.err).toMatch(
      /field "documents\[2\]\.spec\.budgetingMethod": SLO "api-uptime" uses Timeslices, which is not supported/,
    );
  });

  it('prints the field errors of a broken file and exits 1', async () => {
    const io = fakeIO();
    expect(await run(['--file', 'broken.yaml', '--good', '1', '--total', '1'], io)).toBe(1);
    expect(io.err).toContain('field "documents[0].spec.objectives[0].target": must be less than 1');
    const json = fakeIO();
    expect(await run(['--file', 'broken.yaml', '--good', '1', '--total', '1', '--json'], json)).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({
      ok: false,
      errors: [{ field: 'documents[0].spec.objectives[0].target' }],
    });
  });

  it('rejects bad flags with a usage hint', async () => {
    const cases: [string[], RegExp, RegExp][] = [
      [['--good', '1', '--total', '2'], /^--file: is required/, /^Usage: incident-commander slo check --file/],
      [['--file', 'slo.yaml', '--name', 'checkout-availability', '--total', '2'], /^--good: is required/, /^Usage:/],
      [[...CHECKOUT, '--good', 'lots', '--total', '2'], /^--good: must be a number of events/, /^Usage:/],
      [[...CHECKOUT, '--good', '3', '--total', '2'], /^--good \(3\) is more than --total \(2\)/, /successful events/],
      [
        [...CHECKOUT, '--good', '1', '--total', '2', '--ratio-1h', '1.2'],
        /^--ratio-1h: must be an error ratio between 0 and 1/,
        /^Usage:/,
      ],
      [[...CHECKOUT, '--good', '1', '--total', '2', '--ratio-2h', '0.1'], /unknown option --ratio-2h/, /^Usage:/],
      [
        ['--file', 'slo.yaml', '--good', '1', '--total', '2'],
        /has 3 SLOs; choose one with --name/,
        /checkout-availability, search-availability, api-uptime/,
      ],
      [
        ['--file', 'slo.yaml', '--name', 'nope', '--good', '1', '--total', '2'],
        /^--name: no SLO named "nope"/,
        /SLOs in the file/,
      ],
      [
        [...CHECKOUT, '--objective', 'Latency', '--good', '1', '--total', '2'],
        /^--objective: SLO "checkout-availability" has no objective "Latency"/,
        /Successful checkouts/,
      ],
      [[...CHECKOUT, 'extra', '--good', '1', '--total', '2'], /^unexpected argument "extra"/, /^Usage:/],
    ];
    for (const [argv, message, hint] of cases) {
      const error = await usageError(argv);
      expect(error.message, argv.join(' ')).toMatch(message);
      expect(error.hint, argv.join(' ')).toMatch(hint);
    }
  });
});
