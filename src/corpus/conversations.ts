import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Agent } from '../agent/loop.js';
import { ConversationService } from '../conversation/service.js';
import { silentLogger } from '../core/logger.js';
import { ManualClock } from '../core/time.js';
import { parseYamlText } from '../core/yaml.js';
import { knownServices } from '../playbook/step.js';
import type { ToolRegistry } from '../registry/registry.js';
import { createPlaybook } from '../runtime/agent.js';
import { createWorld } from '../runtime/world.js';
import type { SeverityFramework } from '../severity/framework.js';
import { SEVERITIES, severityRank } from '../severity/signals.js';
import type { Soul } from '../soul/load.js';
import type { IncidentStore } from '../store/types.js';
import type { TemplateLibrary } from '../templates/library.js';
import { CORPUS_NOW } from './messages.js';

const Sev = z.enum(SEVERITIES);
const Expect = z
  .object({
    opened: z.boolean(),
    severity: z.tuple([Sev, Sev]),
    status: z.enum(['investigating', 'identified', 'monitoring', 'resolved']),
    roles: z.record(z.string(), z.string()),
    logged: z.boolean(),
    deploys_checked: z.boolean(),
    update_drafted: z.enum(['engineering', 'executive', 'customer']),
    no_change_update: z.boolean(),
    hypothesis_open: z.boolean(),
    hypothesis_closed: z.boolean(),
    action_item: z.object({
      owner: z.string().optional(),
      due: z.string().optional(),
      title_has: z.string().optional(),
    }),
    no_action_item_created: z.boolean(),
    asks_question: z.boolean(),
    impact: z.object({ customer_facing: z.boolean().optional(), users_pct: z.number().optional() }),
    started_minutes_ago: z.number(),
    postmortem_due: z.boolean(),
    severity_changed: z.boolean(),
  })
  .partial()
  .strict();
export type Expectation = keyof z.output<typeof Expect>;

export const ConversationSchema = z.object({
  id: z.string(),
  source: z.string(),
  services: z.array(z.enum(['payment-api', 'search'])).default([]),
  turns: z
    .array(
      z
        .object({
          user: z.string(),
          from: z.string().optional(),
          advance_minutes: z.number().min(0).default(0),
          expect: Expect.default({}),
        })
        .strict(),
    )
    .min(1),
});
export type CorpusConversation = z.output<typeof ConversationSchema>;

/** Loads every conversation in a folder; a bad file names itself and its field. */
export function loadConversations(dir: string): CorpusConversation[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      const parsed = ConversationSchema.safeParse(parseYamlText(readFileSync(file, 'utf8'), file));
      if (!parsed.success)
        throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    });
}

/** The fixture services of the corpus (corpus/README.md): payment-api deployed 30 min before the reference time, search 20. */
function fixtures(names: readonly string[]) {
  const at = (minutes: number) => new Date(CORPUS_NOW.getTime() - minutes * 60_000).toISOString();
  const all: Record<string, Record<string, unknown>> = {
    'payment-api': {
      display_name: 'Checkout',
      aliases: ['payments', 'payment service'],
      customer_facing: true,
      revenue_path: true,
      dependencies: ['payment gateway', 'postgres-main'],
    },
    search: { display_name: 'Search', customer_facing: true, revenue_path: false },
  };
  return {
    services: Object.fromEntries(names.map((n) => [n, all[n]!])),
    deploys: [
      {
        service: 'payment-api',
        at: at(30),
        version: 'v2.14.0',
        author: 'deploy-bot',
        description: 'payment-api v2.14.0: new gateway client',
        status: 'succeeded',
      },
      {
        service: 'payment-api',
        at: at(60 * 18),
        version: 'v2.13.2',
        author: 'deploy-bot',
        description: 'payment-api v2.13.2',
        status: 'succeeded',
      },
      {
        service: 'search',
        at: at(20),
        version: 'search-88',
        author: 'deploy-bot',
        description: 'search ranking tweak',
        status: 'succeeded',
      },
    ].filter((d) => names.includes(d.service)),
  };
}

export interface TurnCheck {
  conversation: string;
  turn: number;
  key: Expectation;
  ok: boolean;
  detail: string;
}

export interface Shared {
  soul: Soul;
  severity: SeverityFramework;
  templates: TemplateLibrary;
  registry: ToolRegistry;
}

interface Snapshot {
  incidentId: string | null;
  timeline: number;
  updates: number;
  items: number;
  closedHypotheses: number;
  severityChanges: number;
}

async function snapshot(store: IncidentStore, id: string | null): Promise<Snapshot> {
  if (!id) return { incidentId: null, timeline: 0, updates: 0, items: 0, closedHypotheses: 0, severityChanges: 0 };
  return {
    incidentId: id,
    timeline: await store.countTimeline(id),
    updates: (await store.listUpdates(id)).length,
    items: (await store.listActionItems({ incidentId: id })).length,
    closedHypotheses: (await store.listHypotheses(id)).filter((h) => h.status !== 'open').length,
    severityChanges: (await store.severityHistory(id)).length,
  };
}

const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Plays one conversation through the offline commander (the playbook behind the real loop and
 * conversation service, on an in-memory record) and checks each turn's expectations against the
 * store. The checks read the record, never the commander's own reading of the words.
 */
export async function scoreConversation(conv: CorpusConversation, shared: Shared): Promise<TurnCheck[]> {
  const clock = new ManualClock(CORPUS_NOW);
  const world = createWorld({
    clock,
    settings: shared.soul.config.settings,
    severity: shared.severity,
    templates: shared.templates,
    logger: silentLogger(),
    ...(conv.services.length ? { services: fixtures(conv.services) } : {}),
  });
  const playbook = createPlaybook({
    services: knownServices(world.services),
    settings: () => shared.soul.config.settings,
    severity: shared.severity,
    runbooks: false,
  });
  const agent = new Agent({
    model: playbook,
    fallback: null,
    soul: () => shared.soul,
    registry: shared.registry,
    context: (actor) => world.context(actor),
    sessions: world.sessions,
    templates: shared.templates,
    clock,
    logger: silentLogger(),
    actor: 'responder',
  });
  const service = new ConversationService({
    agent,
    sessions: world.sessions,
    incidents: world.store,
    clock,
    logger: silentLogger(),
  });
  const checks: TurnCheck[] = [];
  try {
    const conversation = await service.open({ kind: 'new' });
    for (const [i, turn] of conv.turns.entries()) {
      clock.advanceMinutes(turn.advance_minutes);
      const before = await snapshot(world.store, conversation.incidentId);
      const actor = turn.from ?? 'responder';
      const result = await conversation.send(
        { text: turn.user, actor },
        { onText: () => undefined, onNotice: () => undefined },
      );
      const id = conversation.incidentId;
      const after = await snapshot(world.store, id);
      const fresh = before.incidentId !== id;
      const incident = id ? await world.store.getIncident(id) : null;
      const check = (key: Expectation, ok: boolean, detail: string): void => {
        checks.push({ conversation: conv.id, turn: i + 1, key, ok, detail });
      };
      for (const [key, want] of Object.entries(turn.expect) as [Expectation, unknown][]) {
        switch (key) {
          case 'opened':
            check(key, (incident !== null) === want, incident ? `opened ${incident.id}` : 'no incident');
            break;
          case 'severity': {
            const [min, max] = want as [string, string];
            const rank = incident ? severityRank(incident.severity) : 99;
            check(
              key,
              rank >= severityRank(min as 'SEV1') && rank <= severityRank(max as 'SEV1'),
              incident?.severity ?? 'no incident',
            );
            break;
          }
          case 'status':
            check(key, incident?.status === want, incident?.status ?? 'no incident');
            break;
          case 'roles': {
            const roles = id ? await world.store.listRoles(id) : [];
            const missing = Object.entries(want as Record<string, string>).filter(([role, person]) => {
              const name = person === '@sender' ? actor : person;
              const held = roles.find((r) => r.role === role)?.person;
              return !held || !same(held, name);
            });
            check(
              key,
              missing.length === 0,
              missing.length
                ? `not held: ${missing.map(([r, p]) => `${r}=${p}`).join(', ')} (have ${roles.map((r) => `${r.role}=${r.person}`).join(', ')})`
                : 'held',
            );
            break;
          }
          case 'logged':
            check(
              key,
              after.timeline > (fresh ? 0 : before.timeline) === want,
              `${after.timeline - before.timeline} new events`,
            );
            break;
          case 'deploys_checked':
            check(
              key,
              result.toolCalls.some((c) => c.name === 'fetch_deploys' && !c.isError) === want,
              result.toolCalls.map((c) => c.name).join(','),
            );
            break;
          case 'update_drafted': {
            const updates = id
              ? (await world.store.listUpdates(id)).filter((u) => u.at === clock.now().toISOString())
              : [];
            check(
              key,
              updates.some((u) => u.audience === want),
              updates.map((u) => u.audience).join(',') || 'none',
            );
            break;
          }
          case 'no_change_update': {
            const updates = id
              ? (await world.store.listUpdates(id)).filter((u) => u.at === clock.now().toISOString())
              : [];
            check(
              key,
              updates.some((u) => u.noChange) === want,
              updates.map((u) => `${u.audience}${u.noChange ? '(no change)' : ''}`).join(',') || 'none',
            );
            break;
          }
          case 'hypothesis_open': {
            const open = id ? (await world.store.listHypotheses(id)).some((h) => h.status === 'open') : false;
            check(key, open === want, open ? 'open' : 'none open');
            break;
          }
          case 'hypothesis_closed':
            check(
              key,
              after.closedHypotheses > before.closedHypotheses === want,
              `${after.closedHypotheses - before.closedHypotheses} closed`,
            );
            break;
          case 'action_item': {
            const w = want as { owner?: string; due?: string; title_has?: string };
            const items = id ? await world.store.listActionItems({ incidentId: id }) : [];
            const hit = items.find(
              (a) =>
                (!w.owner || same(a.owner, w.owner)) &&
                (!w.due || a.dueAt.slice(0, 10) === w.due) &&
                (!w.title_has || a.title.toLowerCase().includes(w.title_has.toLowerCase())),
            );
            check(
              key,
              hit !== undefined,
              hit
                ? hit.id
                : `items: ${items.map((a) => `${a.title} (${a.owner}, ${a.dueAt.slice(0, 10)})`).join('; ') || 'none'}`,
            );
            break;
          }
          case 'no_action_item_created':
            check(key, (after.items === before.items) === want, `${after.items - before.items} created`);
            break;
          case 'asks_question':
            check(key, /\?\s*$|\?\s*\n/.test(result.reply) === want, result.reply.slice(-80));
            break;
          case 'impact': {
            const w = want as { customer_facing?: boolean; users_pct?: number };
            const ok =
              incident !== null &&
              (w.customer_facing === undefined || incident.impact.customerFacing === w.customer_facing) &&
              (w.users_pct === undefined ||
                (incident.impact.usersAffectedPct !== null &&
                  Math.abs(incident.impact.usersAffectedPct - w.users_pct) <= 5));
            check(
              key,
              ok,
              incident
                ? JSON.stringify({ cf: incident.impact.customerFacing, pct: incident.impact.usersAffectedPct })
                : 'no incident',
            );
            break;
          }
          case 'started_minutes_ago': {
            const minutes = incident
              ? (clock.now().getTime() - new Date(incident.startedAt).getTime()) / 60_000
              : Number.NaN;
            check(key, Math.abs(minutes - (want as number)) <= 2, `${Math.round(minutes)} min`);
            break;
          }
          case 'postmortem_due':
            check(key, (incident?.resolvedAt != null) === want, incident?.resolvedAt ? 'resolved' : 'not resolved');
            break;
          case 'severity_changed':
            check(
              key,
              (after.severityChanges > before.severityChanges && !fresh) === want,
              `${after.severityChanges - before.severityChanges} changes`,
            );
            break;
        }
      }
    }
  } finally {
    await world.close();
  }
  return checks;
}

export interface ConversationScores {
  conversations: number;
  clean: number;
  checks: { ok: number; of: number };
  byKey: Partial<Record<Expectation, { ok: number; of: number }>>;
}

export function summarise(all: readonly TurnCheck[], conversations: number): ConversationScores {
  const byKey: ConversationScores['byKey'] = {};
  for (const c of all) {
    const slot = (byKey[c.key] ??= { ok: 0, of: 0 });
    slot.of++;
    if (c.ok) slot.ok++;
  }
  const failed = new Set(all.filter((c) => !c.ok).map((c) => c.conversation));
  return {
    conversations,
    clean: conversations - failed.size,
    checks: { ok: all.filter((c) => c.ok).length, of: all.length },
    byKey,
  };
}
