import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../config/package-root.js';
import { ConfigError } from '../core/errors.js';
import { parseFramework } from './framework.js';

const shipped = readFileSync(join(packageRoot(), 'config', 'severity.yaml'), 'utf8');

function problems(yaml: string): string[] {
  try {
    parseFramework(yaml, 'severity.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.field}: ${i.problem}`);
    throw error;
  }
  return [];
}

describe('severity framework file', () => {
  it('ships with SEV1 paging and a 15-minute customer cadence, as in the seed', () => {
    const fw = parseFramework(shipped, 'severity.yaml');
    expect(fw.levels.map((l) => l.id)).toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV4']);
    expect(fw.levels[0]!.escalation.pages).toBe(true);
    expect(fw.levels[0]!.cadence_minutes.customer).toBe(15);
  });

  it('names the field of an unknown signal and lists the accepted ones', () => {
    const [problem] = problems(shipped.replace('when: { data_loss: true }', 'when: { dataloss: true }'));
    expect(problem).toMatch(
      /^levels\[0\]\.criteria\[2\]\.when: unknown field\(s\) "dataloss"; accepted fields here: customer_facing, .*data_loss/,
    );
  });

  it('refuses levels out of order, a missing default and a bad cadence', () => {
    const swapped = shipped.replace('- id: SEV1', '- id: SEVX').replace('default: true', 'default: false');
    const out = problems(
      swapped.replace(
        'cadence_minutes: { engineering: 15, executive: 30, customer: 15 }',
        'cadence_minutes: { engineering: 0, executive: 30, customer: 15 }',
      ),
    );
    expect(out.join('\n')).toMatch(/levels\[0\]\.id: expected one of "SEV1", "SEV2", "SEV3", "SEV4", got "SEVX"/);
    expect(out.join('\n')).toMatch(/levels\[0\]\.cadence_minutes\.engineering: must be at least 1/);
  });

  it('requires exactly one default level', () => {
    expect(problems(shipped.replace('default: true', 'default: false')).join('\n')).toMatch(
      /exactly one level must have "default: true"/,
    );
  });

  it('reports YAML syntax errors with the line', () => {
    expect(problems('version: 1\nlevels: [\n  - id: SEV1\n')[0]).toMatch(/invalid YAML at line \d+/);
  });
});
