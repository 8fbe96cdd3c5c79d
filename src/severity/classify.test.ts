import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../config/package-root.js';
import { classify } from './classify.js';
import { loadFramework, parseFramework } from './framework.js';

const framework = loadFramework(join(packageRoot(), 'config', 'severity.yaml'));

describe('classify with the shipped framework', () => {
  it.each([
    [
      'SEV1',
      'revenue path down',
      { customerFacing: true, revenuePath: true, state: 'down' as const },
      'revenue_path_down',
    ],
    ['SEV1', 'data loss alone', { dataLoss: true }, 'data_loss'],
    ['SEV1', 'security breach alone', { securityBreach: true, customerFacing: false }, 'security_breach'],
    [
      'SEV1',
      'most users locked out',
      { customerFacing: true, revenuePath: false, state: 'down' as const, usersAffectedPct: 80 },
      'majority_outage',
    ],
    [
      'SEV2',
      'checkout slow',
      { customerFacing: true, revenuePath: true, state: 'degraded' as const },
      'revenue_path_degraded',
    ],
    [
      'SEV2',
      'login failing for some',
      {
        customerFacing: true,
        revenuePath: false,
        criticalFunction: true,
        state: 'down' as const,
        usersAffectedPct: 10,
      },
      'critical_function_impaired',
    ],
    [
      'SEV2',
      'long customer impact',
      {
        customerFacing: true,
        revenuePath: false,
        criticalFunction: false,
        state: 'degraded' as const,
        usersAffectedPct: 3,
        durationMinutes: 300,
      },
      'long_customer_impact',
    ],
    [
      'SEV3',
      'small non-critical feature',
      {
        customerFacing: true,
        revenuePath: false,
        criticalFunction: false,
        state: 'degraded' as const,
        usersAffectedPct: 3,
        durationMinutes: 20,
      },
      'customer_facing_minor',
    ],
    [
      'SEV3',
      'internal tool down',
      { customerFacing: false, state: 'down' as const, dataLoss: false, securityBreach: false },
      'internal_outage',
    ],
    [
      'SEV4',
      'disk filling, no impact yet',
      { customerFacing: false, state: 'at_risk' as const, dataLoss: false, securityBreach: false },
      'at_risk',
    ],
  ])('%s for %s', (level, _label, signals, criterion) => {
    const result = classify(framework, signals);
    expect(result.level).toBe(level);
    expect(result.basis).toBe('matched');
    expect(result.matchedCriteria.map((c) => c.id)).toContain(criterion);
  });

  it('falls back to the default level when nothing matches', () => {
    const result = classify(framework, {
      customerFacing: false,
      state: 'healthy',
      dataLoss: false,
      securityBreach: false,
    });
    expect(result).toMatchObject({ level: 'SEV4', basis: 'default', matchedCriteria: [] });
  });

  it('picks one level higher when a worse level might hold and says what to confirm', () => {
    // Customer-facing, degraded, share unknown: SEV3 for sure, SEV2 if the revenue path or a quarter of users are hit.
    const result = classify(framework, { customerFacing: true, state: 'degraded' });
    expect(result.level).toBe('SEV2');
    expect(result.basis).toBe('raised_when_unsure');
    expect(result.assumed.length).toBeGreaterThan(0);
    expect(result.openQuestions.map((q) => q.signal)).toEqual(expect.arrayContaining(result.assumed));
  });

  it('does not raise when the known facts rule out every worse level', () => {
    const result = classify(framework, {
      customerFacing: true,
      state: 'degraded',
      revenuePath: false,
      criticalFunction: false,
      usersAffectedPct: 1,
      durationMinutes: 5,
    });
    expect(result.level).toBe('SEV3');
    expect(result.basis).toBe('matched');
  });

  it('keeps the matched level when the framework says so', () => {
    const matchedOnly = { ...framework, when_unsure: 'matched' as const };
    expect(classify(matchedOnly, { customerFacing: true, state: 'degraded' }).level).toBe('SEV3');
  });

  it('asks about data loss and security when they could raise the level', () => {
    const result = classify(framework, { customerFacing: true, revenuePath: true, state: 'degraded' });
    expect(result.level).toBe('SEV2');
    const questions = result.openQuestions.filter((q) => q.couldRaiseTo === 'SEV1').map((q) => q.signal);
    expect(questions).toEqual(expect.arrayContaining(['dataLoss', 'securityBreach']));
  });

  it('follows an edited framework: a lower SEV1 share threshold changes the result', () => {
    const yaml = readShipped().replace('users_affected_pct: { gte: 50 }', 'users_affected_pct: { gte: 20 }');
    const edited = parseFramework(yaml, 'edited.yaml');
    const signals = {
      customerFacing: true,
      revenuePath: false,
      state: 'down' as const,
      usersAffectedPct: 30,
      dataLoss: false,
      securityBreach: false,
    };
    expect(classify(framework, signals).level).toBe('SEV2');
    expect(classify(edited, signals).level).toBe('SEV1');
  });
});

function readShipped(): string {
  return readFileSync(join(packageRoot(), 'config', 'severity.yaml'), 'utf8');
}
