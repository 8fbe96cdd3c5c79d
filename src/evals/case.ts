import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, type FieldIssue } from '../core/errors.js';
import { parseYamlText, validateConfig } from '../core/yaml.js';
import { formatPath } from '../core/zod-issues.js';
import { GRADERS } from './graders/index.js';
import type { AnyGrader } from './graders/types.js';

/** The persona rules an eval case can cover; every one must be covered by at least one case. */
export const RULES = [
  'seed-example-incident',
  'seed-example-oncall',
  'roles-before-troubleshooting',
  'fixed-cadence-updates',
  'record-in-real-time',
  'timebox-hypotheses',
  'missing-guardrails',
  'learning-opportunity',
  'psychological-safety',
  'runbooks-tested-quarterly',
  'slo-driven-paging',
  'never-skip-severity',
  'never-troubleshoot-before-roles',
  'never-blame-individuals',
  'never-untracked-action-items',
  'never-first-error-root-cause',
  'postmortem-48h',
  'severity-levels',
  'audience-engineering',
  'audience-executive',
  'audience-customer',
  'adversarial',
] as const;

/** Services a case can ask for: configured with a deploy log holding a deploy shortly before the case starts. */
export const FIXTURE_SERVICES = ['payment-api', 'search'] as const;

const Expectation = z.union([
  z.string().min(1),
  z
    .record(z.string(), z.unknown())
    .refine(
      (o) => Object.keys(o).length === 1,
      'write one grader per list item, e.g. "- severity_stated: { level: SEV1 }"',
    ),
]);

const TurnSchema = z
  .object({
    user: z.string().min(1),
    advance_minutes: z
      .number()
      .min(0)
      .max(7 * 24 * 60)
      .default(0),
    expect: z.array(Expectation).default([]),
  })
  .strict();

const CaseSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case, such as "seed-payment-outage"'),
    title: z.string().min(1).max(120),
    checks: z.string().min(10),
    rules: z.array(z.enum(RULES)).min(1),
    setup: z
      .object({ services: z.array(z.enum(FIXTURE_SERVICES)).default([]), runbooks: z.boolean().default(false) })
      .strict()
      .prefault({}),
    turns: z.array(TurnSchema).min(1).max(20),
    judge: z
      .object({ rubric: z.string().min(20) })
      .strict()
      .optional(),
    /** Why the case is expected to fail for now (a known gap in the offline playbook): run and reported, never gating. */
    pending: z.string().min(10).max(500).optional(),
  })
  .strict();

export interface Expect {
  grader: AnyGrader;
  params: unknown;
  /** How the case wrote it, for the report: "turns[0] severity_stated". */
  label: string;
}

export interface EvalTurn {
  user: string;
  advanceMinutes: number;
  expect: Expect[];
}

export interface EvalCase {
  file: string;
  id: string;
  title: string;
  checks: string;
  rules: (typeof RULES)[number][];
  services: (typeof FIXTURE_SERVICES)[number][];
  /** Whether the case sees the fixture runbooks (evals/fixtures/runbooks), dated for the case clock. */
  runbooks: boolean;
  turns: EvalTurn[];
  rubric: string | null;
  /** Why the case is known to fail for now; a pending case is reported as pending, never as passed. */
  pending: string | null;
}

/** Parses and checks one case file: every grader must exist and its parameters must validate. */
export function parseCase(text: string, file: string): EvalCase {
  const raw = validateConfig(CaseSchema, parseYamlText(text, file), file);
  const issues: FieldIssue[] = [];
  const turns = raw.turns.map((turn, t) => ({
    user: turn.user,
    advanceMinutes: turn.advance_minutes,
    expect: turn.expect.flatMap((e, i): Expect[] => {
      const field = `turns[${t}].expect[${i}]`;
      const [name, params] = typeof e === 'string' ? [e, {}] : Object.entries(e)[0]!;
      const grader = GRADERS.get(name);
      if (!grader) {
        issues.push({ field, problem: `unknown grader "${name}"; graders: ${[...GRADERS.keys()].join(', ')}` });
        return [];
      }
      const parsed = grader.params.safeParse(params ?? {});
      if (!parsed.success) {
        issues.push(
          ...parsed.error.issues.map((issue) => ({
            field: `${field}.${name}${issue.path.length ? `.${formatPath(issue.path)}` : ''}`,
            problem: issue.message,
          })),
        );
        return [];
      }
      return [{ grader, params: parsed.data, label: `turn ${t + 1}.${i + 1} ${name}` }];
    }),
  }));
  if (issues.length) throw new ConfigError(file, issues);
  return {
    file,
    id: raw.id,
    title: raw.title,
    checks: raw.checks,
    rules: raw.rules,
    services: raw.setup.services,
    runbooks: raw.setup.runbooks,
    turns,
    rubric: raw.judge?.rubric ?? null,
    pending: raw.pending ?? null,
  };
}

/** Every `*.yaml` case in a folder, sorted by file name; ids must be unique. */
export function loadCases(dir: string): EvalCase[] {
  const cases = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => parseCase(readFileSync(join(dir, f), 'utf8'), join(dir, f)));
  const seen = new Map<string, string>();
  for (const c of cases) {
    const other = seen.get(c.id);
    if (other) throw new ConfigError(c.file, [{ field: 'id', problem: `"${c.id}" is already used by ${other}` }]);
    seen.set(c.id, c.file);
  }
  return cases;
}
