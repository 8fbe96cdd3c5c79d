/**
 * Reads SLOs from OpenSLO v1 YAML (https://github.com/OpenSLO/OpenSLO): one or more `---`
 * documents; documents of other kinds (Service, SLI, AlertPolicy…) are skipped.
 */
import { existsSync } from 'node:fs';
import jsYaml from 'js-yaml';
import { z } from 'zod';
import { ConfigError, type FieldIssue } from '../core/errors.js';
import { readOperatorFile } from '../core/files.js';
import { yamlLoadOptions } from '../core/yaml.js';
import { formatPath, objectKeysAt, zodIssues } from '../core/zod-issues.js';

export const BUDGETING_METHODS = ['Occurrences', 'Timeslices', 'RatioTimeslices'] as const;
export type BudgetingMethod = (typeof BUDGETING_METHODS)[number];

export interface OpenSlo {
  /** metadata.name */
  name: string;
  displayName: string | null;
  service: string;
  /** The objective's target as a fraction (targetPercent 99.9 → 0.999). */
  target: number;
  windowDays: number;
  /** false for a calendar window (OpenSLO: omitted means false). */
  isRolling: boolean;
  budgetingMethod: BudgetingMethod;
  /** The objective's displayName, or null. */
  objective: string | null;
  /** Position of the objective in spec.objectives. */
  objectiveIndex: number;
  /** 0-based index of the YAML document in the file. */
  document: number;
}

const DAY_UNITS: Record<string, number> = { m: 1 / 1440, h: 1 / 24, d: 1, w: 7 };

/** OpenSLO duration shorthand → days; months, quarters and years have no fixed length and are refused. */
const Duration = z.string().transform((value, ctx) => {
  const match = /^(\d+)([mhdwMQY])$/.exec(value.trim());
  if (!match) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a duration such as "30d", "28d" or "4w", got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  const perUnit = DAY_UNITS[match[2]!];
  if (perUnit === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}": months, quarters and years have no fixed number of days, so burn-rate thresholds cannot be computed; write the window in days or weeks, such as "30d" or "4w"`,
    });
    return z.NEVER;
  }
  const days = Number(match[1]) * perUnit;
  if (days < 1 || days > 90) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is ${Number(days.toPrecision(4))} day(s); windows from 1 to 90 days are supported`,
    });
    return z.NEVER;
  }
  return days;
});

const Objective = z
  .object({
    displayName: z.string().min(1).optional(),
    target: z.number().gt(0).lt(1).optional(),
    targetPercent: z.number().gt(0).lt(100).optional(),
  })
  .superRefine((o, ctx) => {
    if (o.target === undefined && o.targetPercent === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: 'is required: give target (a fraction, 0.999) or targetPercent (99.9)',
      });
    if (o.target !== undefined && o.targetPercent !== undefined)
      ctx.addIssue({ code: 'custom', path: ['targetPercent'], message: 'give target or targetPercent, not both' });
  });

const SloDocument = z.object({
  apiVersion: z.literal('openslo/v1'),
  kind: z.literal('SLO'),
  metadata: z.object({
    name: z.string().min(1).max(253),
    displayName: z.string().min(1).optional(),
  }),
  spec: z.object({
    service: z.string().min(1),
    timeWindow: z
      .array(
        z.object({
          duration: Duration,
          isRolling: z.boolean().optional(),
          calendar: z.object({ startTime: z.string().min(1), timeZone: z.string().min(1) }).optional(),
        }),
      )
      .length(1, 'must have exactly one item'),
    budgetingMethod: z.enum(BUDGETING_METHODS),
    objectives: z.array(Objective).min(1),
  }),
});

function yamlProblem(error: unknown): string {
  if (error instanceof jsYaml.YAMLException) {
    const mark = (error as { mark?: { line: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? error.message;
    return `invalid YAML${mark ? ` at line ${mark.line + 1}` : ''}: ${reason}`;
  }
  return `invalid YAML: ${error instanceof Error ? error.message : String(error)}`;
}

const HINT_DOCUMENTS = 'documents[N] is the (N+1)th "---"-separated YAML document of the file, counting from 0.';

/**
 * Parses every `kind: SLO` document of an OpenSLO file, one entry per objective. Collects the
 * problems of all documents, each naming the document index and the field, into one ConfigError.
 */
export function parseOpenSlo(text: string, file: string): OpenSlo[] {
  let documents: unknown[];
  try {
    documents = jsYaml.safeLoadAll(text, null, yamlLoadOptions(file));
  } catch (error) {
    throw new ConfigError(file, [{ field: '', problem: yamlProblem(error) }]);
  }
  const issues: FieldIssue[] = [];
  const slos: OpenSlo[] = [];
  const seen = new Map<string, number>();
  documents.forEach((doc, index) => {
    const at = (path: readonly PropertyKey[]) => formatPath(['documents', index, ...path]);
    if (doc === null || doc === undefined) return;
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      issues.push({
        field: at([]),
        problem: 'must be a mapping (an OpenSLO object with apiVersion, kind, metadata and spec)',
      });
      return;
    }
    const kind = (doc as Record<string, unknown>)['kind'];
    if (typeof kind === 'string' && kind !== 'SLO') return;
    const result = SloDocument.safeParse(doc, { reportInput: true });
    if (!result.success) {
      for (const issue of zodIssues(result.error, (path) => objectKeysAt(SloDocument, path))) {
        issues.push({ field: issue.field === '(input)' ? at([]) : `${at([])}.${issue.field}`, problem: issue.problem });
      }
      return;
    }
    const slo = result.data;
    const first = seen.get(slo.metadata.name);
    if (first !== undefined) {
      issues.push({
        field: at(['metadata', 'name']),
        problem: `duplicate SLO name "${slo.metadata.name}" (also documents[${first}]); names must be unique`,
      });
      return;
    }
    seen.set(slo.metadata.name, index);
    const window = slo.spec.timeWindow[0]!;
    slo.spec.objectives.forEach((objective, objectiveIndex) => {
      const target = objective.target ?? Math.round((objective.targetPercent ?? 0) * 1e10) / 1e12;
      slos.push({
        name: slo.metadata.name,
        displayName: slo.metadata.displayName ?? null,
        service: slo.spec.service,
        target,
        windowDays: window.duration,
        isRolling: window.isRolling ?? false,
        budgetingMethod: slo.spec.budgetingMethod,
        objective: objective.displayName ?? null,
        objectiveIndex,
        document: index,
      });
    });
  });
  if (issues.length) throw new ConfigError(file, issues, `Fix ${file} and try again. ${HINT_DOCUMENTS}`);
  if (!slos.length)
    throw new ConfigError(file, [
      {
        field: '',
        problem: 'no SLO in the file: expected at least one document with "apiVersion: openslo/v1" and "kind: SLO"',
      },
    ]);
  return slos;
}

/** Reads an OpenSLO file. */
export function loadOpenSlo(path: string): OpenSlo[] {
  if (!existsSync(path))
    throw new ConfigError(
      path,
      [{ field: '', problem: 'file not found' }],
      'Pass --file with the path of an OpenSLO YAML file.',
    );
  return parseOpenSlo(readOperatorFile(path, 'Pass --file with the path of an OpenSLO YAML file.'), path);
}

/**
 * The budget and burn-rate math here counts events (Occurrences). Timeslices and RatioTimeslices
 * count good and bad time slices instead, and the same numbers would be silently wrong: refuse them.
 */
export function requireOccurrences(slo: OpenSlo, file: string): OpenSlo {
  if (slo.budgetingMethod === 'Occurrences') return slo;
  throw new ConfigError(
    file,
    [
      {
        field: `documents[${slo.document}].spec.budgetingMethod`,
        problem: `SLO "${slo.name}" uses ${slo.budgetingMethod}, which is not supported: its budget counts bad time slices, not bad events, so the event-based budget and burn rates computed here would be wrong. Only Occurrences is supported`,
      },
    ],
    'Check this SLO with an Occurrences budgeting method (good and total events), or use the tool that produced the Timeslices SLO.',
  );
}
