import { z } from 'zod';
import { AUDIENCES, type Audience } from '../core/audiences.js';
import { readOperatorFile } from '../core/files.js';
import { parseYamlText, validateConfig } from '../core/yaml.js';
import { SERVICE_STATES, SEVERITIES, SIGNALS, SIGNAL_NAMES, type Severity, type SignalName } from './signals.js';

const NumberTest = z.union([
  z.number(),
  z
    .object({
      gte: z.number().optional(),
      gt: z.number().optional(),
      lte: z.number().optional(),
      lt: z.number().optional(),
    })
    .strict()
    .refine((o) => Object.keys(o).length > 0, 'give at least one of gte, gt, lte, lt'),
]);
const StateTest = z.union([z.enum(SERVICE_STATES), z.array(z.enum(SERVICE_STATES)).min(1)]);

/** `when:` of a criterion, keyed by the snake_case signal names used in YAML. */
const WhenSchema = z
  .object(
    Object.fromEntries(
      SIGNAL_NAMES.map((name) => {
        const info = SIGNALS[name];
        const test = info.kind === 'boolean' ? z.boolean() : info.kind === 'number' ? NumberTest : StateTest;
        return [info.yaml, test.optional()];
      }),
    ),
  )
  .strict();

const CriterionSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
    description: z.string().min(1),
    when: WhenSchema.refine((w) => Object.keys(w).length > 0, 'needs at least one signal test'),
  })
  .strict();

const TriggerSchema = z
  .object({
    after_minutes: z.number().int().min(1),
    unless_status: z.array(z.enum(['investigating', 'identified', 'monitoring', 'resolved'])).default(['resolved']),
    action: z.string().min(1),
  })
  .strict();

const CadenceSchema = z
  .object(
    Object.fromEntries(AUDIENCES.map((a) => [a, z.number().int().min(1).max(10_080).nullable()])) as Record<
      Audience,
      z.ZodNullable<z.ZodNumber>
    >,
  )
  .strict();

const LevelSchema = z
  .object({
    id: z.enum(SEVERITIES),
    name: z.string().min(1),
    definition: z.string().min(1),
    default: z.boolean().default(false),
    criteria: z.array(CriterionSchema).default([]),
    escalation: z
      .object({
        pages: z.boolean(),
        page: z.array(z.string().min(1)).default([]),
        notify: z.array(z.string().min(1)).default([]),
        triggers: z.array(TriggerSchema).default([]),
      })
      .strict(),
    cadence_minutes: CadenceSchema,
    postmortem_required: z.boolean(),
  })
  .strict();

export const FrameworkSchema = z
  .object({
    version: z.literal(1),
    when_unsure: z.enum(['higher', 'matched']).default('higher'),
    /** The signals "higher" may assume when unknown; facts nobody mentioned (a breach, data loss) are not assumed. */
    assume_when_unsure: z
      .array(z.enum(SIGNAL_NAMES.map((n) => SIGNALS[n].yaml) as [string, ...string[]]))
      .default(SIGNAL_NAMES.map((n) => SIGNALS[n].yaml)),
    levels: z.array(LevelSchema).length(4),
  })
  .strict()
  .superRefine((fw, ctx) => {
    fw.levels.forEach((level, index) => {
      if (level.id !== SEVERITIES[index]) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels', index, 'id'],
          message: `expected ${SEVERITIES[index]}: list levels in order SEV1, SEV2, SEV3, SEV4`,
        });
      }
      if (!level.default && level.criteria.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels', index, 'criteria'],
          message: 'a level that is not the default needs at least one criterion',
        });
      }
    });
    const defaults = fw.levels.filter((l) => l.default);
    if (defaults.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['levels'],
        message: `exactly one level must have "default: true" (the level used when no criterion matches); found ${defaults.length}`,
      });
    }
  });

export type SeverityFramework = z.output<typeof FrameworkSchema>;
export type SeverityLevel = SeverityFramework['levels'][number];
export type Criterion = SeverityLevel['criteria'][number];

export function levelOf(framework: SeverityFramework, id: Severity): SeverityLevel {
  const level = framework.levels.find((l) => l.id === id);
  if (!level) throw new Error(`severity framework has no ${id}`);
  return level;
}

const BY_YAML = new Map(SIGNAL_NAMES.map((n) => [SIGNALS[n].yaml, n]));

/** The signals the framework lets "when unsure, higher" assume. */
export function assumable(framework: SeverityFramework): ReadonlySet<SignalName> {
  return new Set(framework.assume_when_unsure.map((y) => BY_YAML.get(y)!));
}
const TESTS = new WeakMap<Criterion, [SignalName, unknown][]>();

/** The criterion's tests keyed by signal name (computed once per criterion: classification runs per call). */
export function criterionTests(criterion: Criterion): [SignalName, unknown][] {
  let tests = TESTS.get(criterion);
  if (!tests) {
    tests = Object.entries(criterion.when)
      .filter(([, test]) => test !== undefined)
      .map(([yaml, test]) => [BY_YAML.get(yaml)!, test]);
    TESTS.set(criterion, tests);
  }
  return tests;
}

export function parseFramework(text: string, file: string): SeverityFramework {
  return validateConfig(FrameworkSchema, parseYamlText(text, file), file);
}

export function loadFramework(path: string): SeverityFramework {
  return parseFramework(
    readOperatorFile(path, 'Pass --severity PATH or set INCIDENT_COMMANDER_SEVERITY to a readable severity.yaml.'),
    path,
  );
}
