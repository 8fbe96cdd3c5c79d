import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { ServiceCatalog } from '../config/services.js';
import { ConfigError } from '../core/errors.js';
import { readOperatorFile } from '../core/files.js';
import { parseYamlText, validateConfig } from '../core/yaml.js';
import type { SeverityFramework } from '../severity/framework.js';
import { type Severity, SeveritySchema } from '../severity/signals.js';
import { readSecret, readSecrets, type Secret, SecretRefSchema } from './secrets.js';

/** The public APIs, overridable per service by the environment (tests, proxies, the EU service region). */
export const DEFAULT_URLS = {
  pagerdutyEvents: 'https://events.pagerduty.com',
  pagerdutyApi: 'https://api.pagerduty.com',
  statuspage: 'https://api.statuspage.io/v1',
} as const;

const Url = z
  .string()
  .url('must be a URL such as https://api.pagerduty.com')
  .refine((u) => /^https?:\/\//.test(u), 'must be http(s)');

const PRIORITY_DEFAULTS: Record<string, Severity> = { P1: 'SEV1', P2: 'SEV2', P3: 'SEV3', P4: 'SEV4', P5: 'SEV4' };

const PageTarget = z.union([SecretRefSchema, z.object({ per_service: z.literal(true) }).strict()]);

const IntegrationsFileSchema = z
  .object({
    version: z.literal(1).default(1),
    /** Log every request that would be sent, and send none. */
    dry_run: z.boolean().default(false),
    pagerduty: z
      .object({
        webhooks: z
          .object({
            /** Default: env PAGERDUTY_WEBHOOK_SECRET (comma-separated during a rotation). */
            secret: SecretRefSchema.optional(),
            /** Deliveries of events older than this are refused as replays. */
            max_event_age_minutes: z.number().int().min(5).max(10_080).default(360),
            /** PagerDuty priority name → severity here. */
            priorities: z.record(z.string().min(1).max(50), SeveritySchema).default(PRIORITY_DEFAULTS),
            /** Without a priority: urgency → severity. */
            urgencies: z
              .object({ high: SeveritySchema.default('SEV2'), low: SeveritySchema.default('SEV3') })
              .strict()
              .default({ high: 'SEV2', low: 'SEV3' }),
          })
          .strict()
          .optional(),
        events: z
          .object({
            url: Url.optional(),
            /** The routing key for every escalation target not named under `page`. Default: env PAGERDUTY_ROUTING_KEY. */
            routing_key: SecretRefSchema.optional(),
            /** An escalation target as severity.yaml names it → its routing key, or per_service: the incident's services' keys. */
            page: z.record(z.string().min(1).max(200), PageTarget).default({}),
            /** A service (as in services.yaml) → the routing key of its team's on call. */
            services: z.record(z.string().min(1).max(63), SecretRefSchema).default({}),
          })
          .strict()
          .optional(),
        rest: z
          .object({
            url: Url.optional(),
            /** Default: env PAGERDUTY_API_TOKEN. */
            token: SecretRefSchema.optional(),
            /** The email of the PagerDuty user notes and status changes are made as (the From header). Default: env PAGERDUTY_FROM. */
            from: z.string().email('must be the email of a PagerDuty user').optional(),
            /** Post the commander's decisions, status changes and updates as notes on incidents that came from PagerDuty. */
            notes: z.boolean().default(true),
            /** Pull change events of the services with pagerduty_service this often, for fetch_deploys; 0 turns it off. */
            change_events_minutes: z.number().int().min(0).max(1440).default(5),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    statuspage: z
      .object({
        url: Url.optional(),
        /** Default: env STATUSPAGE_PAGE_ID. */
        page_id: z
          .string()
          .regex(/^[a-z0-9]{4,32}$/, 'must be a Statuspage page id such as kctbh9vrtdwd')
          .optional(),
        /** Default: env STATUSPAGE_API_TOKEN. */
        token: SecretRefSchema.optional(),
        /** Component name (as services.yaml's status_page_component) → its Statuspage id; others are looked up by name. */
        components: z.record(z.string().min(1).max(100), z.string().min(1).max(64)).default({}),
        /** When set, only these people may approve customer updates. */
        approvers: z.array(z.string().min(1).max(100)).max(100).default([]),
        /** Notify the page's subscribers of each published update. */
        notify_subscribers: z.boolean().default(true),
      })
      .strict()
      .optional(),
    opsgenie: z
      .object({
        /** The bearer token Opsgenie's outgoing webhook sends. Default: env OPSGENIE_WEBHOOK_TOKEN. */
        token: SecretRefSchema.optional(),
        priorities: z.record(z.string().min(1).max(10), SeveritySchema).default(PRIORITY_DEFAULTS),
      })
      .strict()
      .optional(),
  })
  .strict();

type FileSettings = z.output<typeof IntegrationsFileSchema>;

export type PageTargetKey = { kind: 'key'; key: Secret } | { kind: 'per_service' };

export interface PagerDutySettings {
  webhooks: {
    secrets: Secret[];
    maxEventAgeMs: number;
    priorities: ReadonlyMap<string, Severity>;
    urgencies: { high: Severity; low: Severity };
  } | null;
  events: {
    url: string;
    defaultKey: Secret | null;
    page: ReadonlyMap<string, PageTargetKey>;
    serviceKeys: ReadonlyMap<string, Secret>;
  } | null;
  rest: { url: string; token: Secret; from: string | null; notes: boolean; changeEventsMs: number } | null;
}

export interface StatuspageSettings {
  url: string;
  pageId: string;
  token: Secret;
  components: ReadonlyMap<string, string>;
  approvers: readonly string[];
  notifySubscribers: boolean;
}

/** Every integration as configured; each is null (off) unless the file or the environment turns it on. */
export interface IntegrationsSettings {
  file: string | null;
  dryRun: boolean;
  pagerduty: PagerDutySettings;
  statuspage: StatuspageSettings | null;
  opsgenie: { tokens: Secret[]; priorities: ReadonlyMap<string, Severity> } | null;
}

function readFile(path: string | null): { file: string; settings: FileSettings } | null {
  if (!path) return null;
  if (!existsSync(path))
    throw new ConfigError(
      path,
      [{ field: '', problem: 'file not found' }],
      'Pass --integrations FILE or set INCIDENT_COMMANDER_INTEGRATIONS to an existing integrations.yaml.',
    );
  const text = readOperatorFile(path, 'Pass --integrations FILE with a readable integrations.yaml.');
  return { file: path, settings: validateConfig(IntegrationsFileSchema, parseYamlText(text, path) ?? {}, path) };
}

const truthy = (v: string | undefined): boolean => /^(1|true|yes|on)$/i.test(v?.trim() ?? '');

/** Every escalation target the framework pages, across its levels. */
function pageTargets(framework: SeverityFramework): Set<string> {
  return new Set(framework.levels.flatMap((l) => l.escalation.page));
}

export interface LoadOptions {
  env: NodeJS.ProcessEnv;
  framework: SeverityFramework;
  services: ServiceCatalog;
  /** --dry-run on the command line. */
  dryRun?: boolean;
}

/**
 * Reads the integrations file (when there is one) and the environment. Secrets come only from the
 * environment or from files only their owner can read; the file names where they are, never the
 * values. Names that must match severity.yaml and services.yaml are checked against them.
 */
export function loadIntegrations(path: string | null, options: LoadOptions): IntegrationsSettings {
  const { env } = options;
  const read = readFile(path);
  const file = read?.file ?? '(environment)';
  const s: FileSettings = read?.settings ?? IntegrationsFileSchema.parse({});
  const pd = s.pagerduty ?? {};

  const webhookSecrets = readSecrets(pd.webhooks?.secret ?? { env: 'PAGERDUTY_WEBHOOK_SECRET' }, env, file, {
    list: true,
  });
  const webhooks = pd.webhooks ?? {
    max_event_age_minutes: 360,
    priorities: PRIORITY_DEFAULTS,
    urgencies: { high: 'SEV2' as const, low: 'SEV3' as const },
  };

  const targets = pageTargets(options.framework);
  const page = new Map<string, PageTargetKey>();
  for (const [name, target] of Object.entries(pd.events?.page ?? {})) {
    if (!targets.has(name))
      throw new ConfigError(file, [
        {
          field: `pagerduty.events.page.${name}`,
          problem: `no severity level pages "${name}"; the framework pages: ${[...targets].join('; ') || 'nobody'}`,
        },
      ]);
    if ('per_service' in target) page.set(name, { kind: 'per_service' });
    else {
      const key = readSecret(target, env, file);
      if (key) page.set(name, { kind: 'key', key });
    }
  }
  const serviceKeys = new Map<string, Secret>();
  for (const [name, ref] of Object.entries(pd.events?.services ?? {})) {
    if (options.services.services.size && !options.services.services.has(name))
      throw new ConfigError(file, [
        {
          field: `pagerduty.events.services.${name}`,
          problem: `not a service in services.yaml (${[...options.services.services.keys()].join(', ')})`,
        },
      ]);
    const key = readSecret(ref, env, file);
    if (key) serviceKeys.set(name, key);
  }
  const defaultKey = readSecret(pd.events?.routing_key ?? { env: 'PAGERDUTY_ROUTING_KEY' }, env, file);
  const eventsOn = defaultKey !== null || page.size > 0 || serviceKeys.size > 0;

  const apiToken = readSecret(pd.rest?.token ?? { env: 'PAGERDUTY_API_TOKEN' }, env, file);
  const from = pd.rest?.from ?? (env['PAGERDUTY_FROM']?.trim() || null);
  if (from !== null && !z.string().email().safeParse(from).success)
    throw new ConfigError(file, [{ field: 'PAGERDUTY_FROM', problem: 'must be the email of a PagerDuty user' }]);

  const sp = s.statuspage;
  const spToken = readSecret(sp?.token ?? { env: 'STATUSPAGE_API_TOKEN' }, env, file);
  const pageId = sp?.page_id ?? (env['STATUSPAGE_PAGE_ID']?.trim() || null);
  if (spToken && !pageId)
    throw new ConfigError(
      file,
      [{ field: 'statuspage.page_id', problem: 'a Statuspage token is set but no page id' }],
      'Set statuspage.page_id in the integrations file or STATUSPAGE_PAGE_ID (the id in your page URL).',
    );
  if (pageId && !/^[a-z0-9]{4,32}$/.test(pageId))
    throw new ConfigError(file, [{ field: 'STATUSPAGE_PAGE_ID', problem: 'must be a Statuspage page id' }]);

  const og = s.opsgenie;
  const ogTokens = readSecrets(og?.token ?? { env: 'OPSGENIE_WEBHOOK_TOKEN' }, env, file, { list: true });

  return {
    file: read?.file ?? null,
    dryRun: options.dryRun === true || s.dry_run || truthy(env['INCIDENT_COMMANDER_INTEGRATIONS_DRY_RUN']),
    pagerduty: {
      webhooks: webhookSecrets.length
        ? {
            secrets: webhookSecrets,
            maxEventAgeMs: webhooks.max_event_age_minutes * 60_000,
            priorities: new Map(Object.entries(webhooks.priorities).map(([k, v]) => [k.toLowerCase(), v])),
            urgencies: webhooks.urgencies,
          }
        : null,
      events: eventsOn
        ? {
            url: env['PAGERDUTY_EVENTS_URL'] || pd.events?.url || DEFAULT_URLS.pagerdutyEvents,
            defaultKey,
            page,
            serviceKeys,
          }
        : null,
      rest: apiToken
        ? {
            url: env['PAGERDUTY_API_URL'] || pd.rest?.url || DEFAULT_URLS.pagerdutyApi,
            token: apiToken,
            from,
            notes: pd.rest?.notes ?? true,
            changeEventsMs: (pd.rest?.change_events_minutes ?? 5) * 60_000,
          }
        : null,
    },
    statuspage:
      spToken && pageId
        ? {
            url: env['STATUSPAGE_API_URL'] || sp?.url || DEFAULT_URLS.statuspage,
            pageId,
            token: spToken,
            components: new Map(Object.entries(sp?.components ?? {})),
            approvers: sp?.approvers ?? [],
            notifySubscribers: sp?.notify_subscribers ?? true,
          }
        : null,
    opsgenie: ogTokens.length
      ? {
          tokens: ogTokens,
          priorities: new Map(
            Object.entries(og?.priorities ?? PRIORITY_DEFAULTS).map(([k, v]) => [k.toUpperCase(), v]),
          ),
        }
      : null,
  };
}

/** What is on, in words, for `integrations status` and the serve banner: never a secret. */
export function describeSettings(s: IntegrationsSettings): string[] {
  const pd = s.pagerduty;
  const out: string[] = [];
  out.push(
    pd.webhooks
      ? `PagerDuty webhooks in: on (${pd.webhooks.secrets.length} signing secret${pd.webhooks.secrets.length > 1 ? 's' : ''}, ${pd.webhooks.secrets.map((k) => k.source).join(', ')})`
      : 'PagerDuty webhooks in: off (set PAGERDUTY_WEBHOOK_SECRET)',
  );
  out.push(
    pd.events
      ? `PagerDuty Events API out: on (${pd.events.url}; ${[pd.events.defaultKey ? 'a default routing key' : null, pd.events.page.size ? `${pd.events.page.size} escalation target(s)` : null, pd.events.serviceKeys.size ? `${pd.events.serviceKeys.size} service key(s)` : null].filter(Boolean).join(', ')})`
      : 'PagerDuty Events API out: off (set PAGERDUTY_ROUTING_KEY or pagerduty.events)',
  );
  out.push(
    pd.rest
      ? `PagerDuty REST: on (${pd.rest.url}; ${pd.rest.from ? `as ${pd.rest.from}` : 'no From user: notes and status changes are off (set PAGERDUTY_FROM)'})`
      : 'PagerDuty REST: off (set PAGERDUTY_API_TOKEN and PAGERDUTY_FROM)',
  );
  out.push(
    s.statuspage
      ? `Statuspage: on (${s.statuspage.url}, page ${s.statuspage.pageId}; publishes only what a person approves${s.statuspage.approvers.length ? `: ${s.statuspage.approvers.join(', ')}` : ''})`
      : 'Statuspage: off (set STATUSPAGE_API_TOKEN and STATUSPAGE_PAGE_ID)',
  );
  out.push(
    s.opsgenie
      ? 'Opsgenie webhooks in: on (reading its alert format only)'
      : 'Opsgenie webhooks in: off (set OPSGENIE_WEBHOOK_TOKEN)',
  );
  if (s.dryRun) out.push('Dry run: every request is logged and none is sent.');
  return out;
}
