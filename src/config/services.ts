import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { readOperatorFile } from '../core/files.js';
import { parseYamlText, validateConfig } from '../core/yaml.js';
import type { ServiceHint } from '../language/services.js';

const ServiceName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be lowercase letters, digits, ".", "_" or "-", such as "payment-api"');

const AlertSchema = z
  .object({
    name: z.string().min(1).max(200),
    paging: z.boolean().default(true),
  })
  .strict();

const ServiceSchema = z
  .object({
    display_name: z.string().min(1).max(100).optional(),
    aliases: z.array(z.string().min(2).max(100)).default([]),
    customer_facing: z.boolean().optional(),
    revenue_path: z.boolean().optional(),
    critical_function: z.boolean().optional(),
    team: z.string().min(1).max(100).optional(),
    repo: z.string().min(1).optional(),
    repo_subdir: z.string().min(1).optional(),
    branch: z
      .string()
      .regex(
        /^[A-Za-z0-9._][A-Za-z0-9._/-]*$/,
        'must be a plain branch name (letters, digits, ".", "_", "/", "-"; not starting with "-")',
      )
      .optional(),
    deploy_log: z.string().min(1).optional(),
    dependencies: z.array(z.string().min(1)).default([]),
    status_page_component: z.string().min(1).max(100).optional(),
    /** The PagerDuty service this one is (its id, such as PIJ90N7): incidents from it open here on this service. */
    pagerduty_service: z
      .string()
      .regex(/^[A-Z0-9]{2,20}$/, 'must be a PagerDuty service id such as PIJ90N7')
      .optional(),
    alerts: z.array(AlertSchema).default([]),
  })
  .strict();

const ServicesFileSchema = z
  .object({
    version: z.literal(1).default(1),
    services: z.record(ServiceName, ServiceSchema),
  })
  .strict();

export type ServiceConfig = z.output<typeof ServiceSchema> & {
  name: string;
  /** Absolute paths, resolved against the config file's folder. */
  repoPath: string | null;
  deployLogPath: string | null;
  /** Where the integrations keep this service's PagerDuty change events (deploy-log lines); null without pagerduty_service. */
  changeEventLogPath: string | null;
};

export interface ServicesOptions {
  /** The folder the integrations write PagerDuty change events to, one file per service. */
  changeEventsDir?: string | undefined;
}

export interface ServiceCatalog {
  file: string | null;
  services: ReadonlyMap<string, ServiceConfig>;
}

export const EMPTY_CATALOG: ServiceCatalog = { file: null, services: new Map() };

export function parseServices(text: string, file: string, options: ServicesOptions = {}): ServiceCatalog {
  const parsed = validateConfig(ServicesFileSchema, parseYamlText(text, file), file);
  const base = dirname(file);
  const at = (p: string | undefined): string | null => (p ? (isAbsolute(p) ? p : resolve(base, p)) : null);
  const services = new Map<string, ServiceConfig>();
  for (const [name, svc] of Object.entries(parsed.services)) {
    if (svc.repo_subdir && (isAbsolute(svc.repo_subdir) || svc.repo_subdir.split(/[\\/]/).includes('..'))) {
      throw new ConfigError(file, [
        { field: `services.${name}.repo_subdir`, problem: 'must be a relative path inside the repository' },
      ]);
    }
    const changeEventLogPath =
      svc.pagerduty_service && options.changeEventsDir ? join(options.changeEventsDir, `${name}.jsonl`) : null;
    services.set(name, { ...svc, name, repoPath: at(svc.repo), deployLogPath: at(svc.deploy_log), changeEventLogPath });
  }
  return { file, services };
}

export function loadServices(path: string | null, options: ServicesOptions = {}): ServiceCatalog {
  if (!path) return EMPTY_CATALOG;
  if (!existsSync(path))
    throw new ConfigError(
      path,
      [{ field: '', problem: 'file not found' }],
      'Pass --services FILE or set INCIDENT_COMMANDER_SERVICES to an existing services.yaml.',
    );
  return parseServices(
    readOperatorFile(path, 'Pass --services FILE or set INCIDENT_COMMANDER_SERVICES to a readable services.yaml.'),
    path,
    options,
  );
}

export function serviceHints(catalog: ServiceCatalog): ServiceHint[] {
  return [...catalog.services.values()].map((s) => ({
    name: s.name,
    aliases: [...s.aliases, ...(s.display_name ? [s.display_name] : [])],
    customerFacing: s.customer_facing,
    revenuePath: s.revenue_path,
    criticalFunction: s.critical_function,
  }));
}

/** The configured service a name or alias means ("Checkout", "payments" → "payment-api"), or null. */
export function resolveServiceName(catalog: ServiceCatalog, name: string): string | null {
  const wanted = name.trim().toLowerCase();
  return (
    serviceHints(catalog).find((h) => h.name === wanted || h.aliases.some((a) => a.toLowerCase() === wanted))?.name ??
    null
  );
}

/** Where the integrations keep PagerDuty change events for fetch_deploys, under the home folder. */
export function changeEventsDir(home: string): string {
  return join(home, 'pagerduty', 'change-events');
}
