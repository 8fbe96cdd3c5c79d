import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { loadOpenSlo, parseOpenSlo, requireOccurrences } from './openslo.js';

const TWO_SLOS = `
apiVersion: openslo/v1
kind: Service
metadata:
  name: checkout
spec:
  description: The checkout flow
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  displayName: Checkout availability
spec:
  service: checkout
  indicatorRef: checkout-success-ratio
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Successful checkouts
      target: 0.999
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-latency
spec:
  service: search
  timeWindow:
    - duration: 4w
      calendar:
        startTime: "2026-01-05 00:00:00"
        timeZone: UTC
  budgetingMethod: Occurrences
  objectives:
    - displayName: Fast searches
      op: lte
      value: 300
      targetPercent: 99.5
    - displayName: Not too slow
      op: lte
      value: 1000
      targetPercent: 99.9
`;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('OpenSLO reader', () => {
  it('reads every SLO of a multi-document file, one entry per objective, skipping other kinds', () => {
    const slos = parseOpenSlo(TWO_SLOS, 'slo.yaml');
    expect(slos).toEqual([
      {
        name: 'checkout-availability',
        displayName: 'Checkout availability',
        service: 'checkout',
        target: 0.999,
        windowDays: 30,
        isRolling: true,
        budgetingMethod: 'Occurrences',
        objective: 'Successful checkouts',
        objectiveIndex: 0,
        document: 1,
      },
      {
        name: 'search-latency',
        displayName: null,
        service: 'search',
        target: 0.995,
        windowDays: 28,
        isRolling: false,
        budgetingMethod: 'Occurrences',
        objective: 'Fast searches',
        objectiveIndex: 0,
        document: 2,
      },
      {
        name: 'search-latency',
        displayName: null,
        service: 'search',
        target: 0.999,
        windowDays: 28,
        isRolling: false,
        budgetingMethod: 'Occurrences',
        objective: 'Not too slow',
        objectiveIndex: 1,
        document: 2,
      },
    ]);
  });

  it('names the file, the document index and the field of every problem, across documents', () => {
    const broken = `${TWO_SLOS}
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: payments
spec:
  timeWindow:
    - duration: 1M
  budgetingMethod: Occurences
  objectives:
    - target: 1
    - target: 0.99
      targetPercent: 99
    - displayName: nothing
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  timeWindow: [{ duration: 7d }]
  budgetingMethod: Occurrences
  objectives: [{ target: 0.99 }]
`;
    const error = configError(() => parseOpenSlo(broken, 'broken.yaml'));
    expect(error.file).toBe('broken.yaml');
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { field: 'documents[3].spec.service', problem: 'is required (expected string)' },
        {
          field: 'documents[3].spec.timeWindow[0].duration',
          problem: expect.stringMatching(/"1M": months, quarters and years have no fixed number of days/),
        },
        {
          field: 'documents[3].spec.budgetingMethod',
          problem: 'expected one of "Occurrences", "Timeslices", "RatioTimeslices", got "Occurences"',
        },
        { field: 'documents[3].spec.objectives[0].target', problem: 'must be less than 1' },
        { field: 'documents[3].spec.objectives[1].targetPercent', problem: 'give target or targetPercent, not both' },
        {
          field: 'documents[3].spec.objectives[2].target',
          problem: expect.stringMatching(/^is required: give target/),
        },
        {
          field: 'documents[4].metadata.name',
          problem: expect.stringMatching(/duplicate SLO name "checkout-availability" \(also documents\[1\]\)/),
        },
      ]),
    );
    expect(error.message).toMatch(/^broken\.yaml: field "documents\[3\]\.spec\.service": is required/);
    expect(error.hint).toMatch(/documents\[N\] is the \(N\+1\)th/);
  });

  it('refuses the wrong apiVersion, a window outside 1–90 days, and a non-mapping document', () => {
    const text = `apiVersion: openslo/v1alpha
kind: SLO
metadata: { name: a }
spec: { service: s, timeWindow: [{ duration: 180d }], budgetingMethod: Occurrences, objectives: [{ target: 0.9 }] }
---
just a string
`;
    const error = configError(() => parseOpenSlo(text, 'old.yaml'));
    expect(error.issues).toEqual([
      { field: 'documents[0].apiVersion', problem: 'expected one of "openslo/v1", got "openslo/v1alpha"' },
      {
        field: 'documents[0].spec.timeWindow[0].duration',
        problem: expect.stringMatching(/"180d" is 180 day\(s\); windows from 1 to 90 days/),
      },
      { field: 'documents[1]', problem: expect.stringMatching(/must be a mapping/) },
    ]);
  });

  it('reports YAML syntax errors with the line, and a file without SLOs', () => {
    expect(
      configError(() => parseOpenSlo('apiVersion: openslo/v1\nkind: SLO\n---\nmetadata: [unclosed\n', 'bad.yaml'))
        .issues[0]?.problem,
    ).toMatch(/^invalid YAML at line \d+/);
    expect(
      configError(() => parseOpenSlo('apiVersion: openslo/v1\nkind: Service\nmetadata: { name: x }\n', 'none.yaml'))
        .issues[0]?.problem,
    ).toMatch(/no SLO in the file/);
  });

  it('refuses Timeslices budgets for the event math, naming the field', () => {
    const text = `apiVersion: openslo/v1
kind: SLO
metadata: { name: api-uptime }
spec:
  service: api
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Timeslices
  objectives: [{ target: 0.999, timeSliceTarget: 0.95, timeSliceWindow: 1m }]
`;
    const [slo] = parseOpenSlo(text, 'uptime.yaml');
    expect(slo?.budgetingMethod).toBe('Timeslices');
    const error = configError(() => requireOccurrences(slo!, 'uptime.yaml'));
    expect(error.issues).toEqual([
      {
        field: 'documents[0].spec.budgetingMethod',
        problem: expect.stringMatching(
          /uses Timeslices, which is not supported: .*would be wrong\. Only Occurrences is supported/,
        ),
      },
    ]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'ic-openslo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a file from disk, and says when it does not exist', () => {
    const file = join(dir, 'slo.yaml');
    writeFileSync(file, TWO_SLOS);
    expect(loadOpenSlo(file).map((s) => s.name)).toEqual(['checkout-availability', 'search-latency', 'search-latency']);
    expect(configError(() => loadOpenSlo(join(dir, 'missing.yaml'))).issues).toEqual([
      { field: '', problem: 'file not found' },
    ]);
  });
});
