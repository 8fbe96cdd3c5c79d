import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../config/package-root.js';
import { GRADERS } from './index.js';
import { gradeExample, loadProofs } from './proofs.js';

const proofs = loadProofs(join(packageRoot(), 'evals', 'graders'));

describe('every grader is proven able to fail', () => {
  it('has a proof set, with bad replies written against its meaning', () => {
    const covered = new Set(proofs.map((p) => p.grader));
    expect([...GRADERS.keys()].filter((g) => !covered.has(g))).toEqual([]);
    for (const p of proofs) {
      const textGrader = GRADERS.get(p.grader)?.kind === 'text';
      expect(p.bad.length, `${p.file}: bad examples`).toBeGreaterThanOrEqual(textGrader ? 8 : 3);
      expect(p.good.length, `${p.file}: good examples`).toBeGreaterThanOrEqual(textGrader ? 5 : 2);
    }
  });

  for (const p of proofs) {
    describe(p.grader, () => {
      it.each(p.bad.map((e) => [e.why, e] as const))('fails: %s', (_why, example) => {
        const verdict = gradeExample(p, example);
        expect(verdict.status, `${example.reply}\n→ ${verdict.why}`).toBe('fail');
      });
      it.each(p.good.map((e) => [e.why, e] as const))('passes: %s', (_why, example) => {
        const verdict = gradeExample(p, example);
        expect(verdict.status, `${example.reply}\n→ ${verdict.why}`).toBe('pass');
      });
      if (p.skips.length)
        it.each(p.skips.map((e) => [e.why, e] as const))('skips: %s', (_why, example) => {
          expect(gradeExample(p, example).status).toBe('skip');
        });
    });
  }
});
