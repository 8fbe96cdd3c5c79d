import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { readOperatorFile } from '../core/files.js';
import { parseIsoTime } from '../core/time.js';
import { parseYamlText, validateConfig } from '../core/yaml.js';
import { SEVERITIES } from '../severity/signals.js';

const Reveal = z
  .object({
    at_minutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .describe('Minutes after the drill starts'),
    from: z
      .string()
      .min(1)
      .max(60)
      .default('monitoring')
      .describe('Who or what says it: "alert", "customer support", "VP Engineering"'),
    reveal: z.string().min(1).max(2000),
  })
  .strict();

const Fix = z
  .object({
    /** Words in a team message that apply this fix ("roll back", "failover"); matched case-insensitively. */
    when: z.array(z.string().min(2).max(60)).min(1),
    after_minutes: z.number().min(0).max(240).default(3),
    reveal: z.string().min(1).max(2000),
    /** True when this fix ends customer impact; a wrong fix only reveals its outcome. */
    mitigates: z.boolean().default(true),
  })
  .strict();

const Deploy = z
  .object({
    service: z.string().min(1),
    minutes_before_start: z
      .number()
      .min(0)
      .max(7 * 24 * 60),
    version: z.string().min(1).max(100),
    author: z.string().min(1).max(100).default('deploy-bot'),
    description: z.string().min(1).max(500),
  })
  .strict();

const ScenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case, such as "checkout-gateway-timeouts"'),
    title: z.string().min(1).max(120),
    briefing: z.string().min(20).max(4000),
    start: z
      .string()
      .refine((s) => parseIsoTime(s) !== null, 'must be an ISO 8601 time such as "2026-03-10T14:00:00Z"')
      .default('2026-03-10T14:00:00Z'),
    minutes_per_message: z.number().min(0).max(60).default(2),
    max_minutes: z
      .number()
      .min(10)
      .max(24 * 60)
      .default(120),
    team: z
      .array(z.string().regex(/^[A-Z][A-Za-z-]{1,30}$/, 'must be a capitalised first name such as "Priya"'))
      .min(2)
      .max(20),
    /** Same shape as a services.yaml entry. */
    services: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    deploys: z.array(Deploy).default([]),
    expect: z.object({ severity: z.enum(SEVERITIES) }).strict(),
    timeline: z.array(Reveal).min(1).max(50),
    fixes: z.array(Fix).max(10).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    s.deploys.forEach((d, i) => {
      if (!(d.service in s.services))
        ctx.addIssue({
          code: 'custom',
          path: ['deploys', i, 'service'],
          message: `"${d.service}" is not one of the scenario's services (${Object.keys(s.services).join(', ') || 'none'})`,
        });
    });
    if (s.timeline.every((r) => r.at_minutes > 0))
      ctx.addIssue({
        code: 'custom',
        path: ['timeline'],
        message: 'needs a reveal at at_minutes 0: the page that starts the drill',
      });
  });

export type Scenario = z.output<typeof ScenarioSchema> & { file: string };

export function parseScenario(text: string, file: string): Scenario {
  const scenario = validateConfig(ScenarioSchema, parseYamlText(text, file), file);
  if (scenario.id !== basename(file).replace(/\.ya?ml$/, ''))
    throw new ConfigError(file, [
      { field: 'id', problem: `"${scenario.id}" must match the file name "${basename(file)}"` },
    ]);
  return { ...scenario, timeline: [...scenario.timeline].sort((a, b) => a.at_minutes - b.at_minutes), file };
}

/** Scenario files in a folder, by id. */
export function listScenarios(dir: string): string[] {
  if (!existsSync(dir))
    throw new ConfigError(
      dir,
      [{ field: '', problem: 'folder not found' }],
      'Pass --gamedays DIR or set INCIDENT_COMMANDER_GAMEDAYS to a folder of scenario YAML files.',
    );
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

/** A scenario by id from the folder, or a path to a scenario file. */
export function loadScenario(dir: string, idOrPath: string): Scenario {
  const candidates = /[\\/]|\.ya?ml$/.test(idOrPath)
    ? [idOrPath]
    : [join(dir, `${idOrPath}.yaml`), join(dir, `${idOrPath}.yml`)];
  const file = candidates.find((c) => existsSync(c));
  if (!file)
    throw new ConfigError(
      candidates[0]!,
      [{ field: '', problem: `no scenario "${idOrPath}"` }],
      `Run incident-commander gameday --list for the scenarios in ${dir}.`,
    );
  return parseScenario(readOperatorFile(file, `Scenarios are YAML files in ${dir}.`), file);
}
