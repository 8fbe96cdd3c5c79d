import { z } from 'zod';
import type { Clock } from '../../core/time.js';
import type { IncidentContext } from '../../incident/context.js';
import { recordExternalReport } from '../../incident/external.js';
import { recordPublished } from '../../incident/status-drafts.js';
import type { QueuedMessage } from '../../store/messages.js';
import type { StatusDraft } from '../../store/types.js';
import type { StatuspageSettings } from '../config.js';
import type { OutboundRequest, Outcome, Transport } from '../http.js';
import { QUEUES, type HandlerResult, type QueueHandler } from '../queue.js';

/** Statuspage allows about one request per second per token. */
export const STATUSPAGE_INTERVAL_MS = 1000;

const Incident = z.object({
  id: z.string().min(1).max(64),
  name: z.string().max(1000).nullish(),
  shortlink: z.string().max(2048).nullish(),
  created_at: z.string().max(64).nullish(),
  incident_updates: z.array(z.object({ body: z.string().nullish(), created_at: z.string().nullish() })).nullish(),
});
const Components = z.array(z.object({ id: z.string().min(1).max(64), name: z.string().max(500) })).max(1000);

export interface PublishPayload {
  draftId: string;
}

/** The Statuspage REST API for one page, every call spaced a second apart per token. */
export class StatuspageApi {
  private components: { at: number; byName: Map<string, string>; names: string[] } | null = null;

  constructor(
    private readonly settings: StatuspageSettings,
    private readonly transport: Transport,
  ) {}

  private request(method: OutboundRequest['method'], path: string, purpose: string, body?: unknown): OutboundRequest {
    return {
      method,
      url: `${this.settings.url.replace(/\/$/, '')}/pages/${this.settings.pageId}${path}`,
      headers: { authorization: `OAuth ${this.settings.token.reveal()}` },
      ...(body === undefined ? {} : { body }),
      secrets: [this.settings.token],
      purpose,
      spacing: { key: `statuspage:${this.settings.token.fingerprint}`, intervalMs: STATUSPAGE_INTERVAL_MS },
    };
  }

  send(request: OutboundRequest): Promise<Outcome> {
    return this.transport.send(request);
  }

  /** The ids of the named components: from the integrations file, else looked up by name (kept for 10 minutes). */
  async componentIds(names: readonly string[]): Promise<{ ids: Map<string, string> } | { problem: HandlerResult }> {
    const ids = new Map<string, string>();
    const unknown: string[] = [];
    for (const name of names) {
      const id = this.settings.components.get(name);
      if (id) ids.set(name, id);
      else unknown.push(name);
    }
    if (!unknown.length) return { ids };
    if (!this.components || Date.now() - this.components.at > 600_000) {
      const outcome = await this.transport.send(this.request('GET', '/components', 'list the page components'));
      if (outcome.kind === 'retry')
        return { problem: { kind: 'retry', problem: outcome.problem, retryAfterMs: outcome.retryAfterMs } };
      if (outcome.kind === 'refused') return { problem: { kind: 'failed', problem: outcome.problem } };
      if (outcome.kind === 'dry_run') return { ids };
      const parsed = Components.safeParse(outcome.body);
      if (!parsed.success)
        return {
          problem: { kind: 'retry', problem: 'the component list is not what Statuspage sends', retryAfterMs: null },
        };
      this.components = {
        at: Date.now(),
        byName: new Map(parsed.data.map((c) => [c.name.toLowerCase(), c.id])),
        names: parsed.data.map((c) => c.name),
      };
    }
    const missing: string[] = [];
    for (const name of unknown) {
      const id = this.components.byName.get(name.toLowerCase());
      if (id) ids.set(name, id);
      else missing.push(name);
    }
    if (missing.length)
      return {
        problem: {
          kind: 'failed',
          problem: `Statuspage page ${this.settings.pageId} has no component named ${missing.map((m) => `"${m}"`).join(', ')} (it has: ${this.components.names.join(', ') || 'none'}); set its id under statuspage.components, or fix status_page_component in services.yaml`,
        },
      };
    return { ids };
  }

  /** The create or update request a draft becomes: status, impact, components and their status, the text. */
  draftRequest(draft: StatusDraft, ids: ReadonlyMap<string, string>, existing: string | null): OutboundRequest {
    const components = Object.fromEntries(
      draft.components.map((c) => [ids.get(c.name) ?? `<id of ${c.name}>`, c.status]),
    );
    const incident = {
      ...(existing ? {} : { name: draft.title }),
      status: draft.status,
      impact_override: draft.impact,
      body: draft.body,
      component_ids: Object.keys(components),
      components,
      deliver_notifications: this.settings.notifySubscribers,
    };
    return existing
      ? this.request(
          'PATCH',
          `/incidents/${encodeURIComponent(existing)}`,
          `update status page incident ${existing} with ${draft.id}`,
          { incident },
        )
      : this.request('POST', '/incidents', `open a status page incident with ${draft.id}`, { incident });
  }

  /**
   * After an attempt whose answer was lost (a timeout, a crash before it was recorded), what that
   * attempt already posted: an unresolved incident of the same name opened since, or an update of
   * the same text on the existing one. So a retry never posts twice to customers.
   */
  async alreadyPosted(
    draft: StatusDraft,
    existing: string | null,
    since: string,
  ): Promise<{ id: string; url: string | null } | null> {
    const outcome = await this.transport.send(
      existing
        ? this.request('GET', `/incidents/${encodeURIComponent(existing)}`, `check status page incident ${existing}`)
        : this.request('GET', '/incidents/unresolved', 'check unresolved status page incidents'),
    );
    if (outcome.kind !== 'ok') return null;
    const cutoff = Date.parse(since) - 60_000;
    const after = (t: string | null | undefined): boolean => !!t && Date.parse(t) >= cutoff;
    if (existing) {
      const parsed = Incident.safeParse(outcome.body);
      if (!parsed.success) return null;
      const same = parsed.data.incident_updates?.some(
        (u) => u.body?.trim() === draft.body.trim() && after(u.created_at),
      );
      return same ? { id: parsed.data.id, url: parsed.data.shortlink ?? null } : null;
    }
    const parsed = z.array(Incident).safeParse(outcome.body);
    if (!parsed.success) return null;
    const found = parsed.data.find((i) => i.name === draft.title && after(i.created_at));
    return found ? { id: found.id, url: found.shortlink ?? null } : null;
  }
}

/** The status page incident an incident's customer updates go to: the one its first published draft opened. */
export async function statuspageIncidentOf(ctx: IncidentContext, incidentId: string): Promise<string | null> {
  const published = await ctx.store.listDrafts({ incidentId, states: ['published'] });
  return published.at(-1)?.published?.ref ?? null;
}

/**
 * Publishes approved drafts, one incident at a time: the first opens a status page incident,
 * later ones update that same incident (resolution resolves it). Only a draft a person approved
 * is ever sent; a draft in any other state is refused here too.
 */
export function statuspageHandler(deps: {
  settings: StatuspageSettings;
  api: StatuspageApi;
  context: IncidentContext;
  clock: Clock;
}): QueueHandler {
  const ctx = deps.context;
  return {
    queue: QUEUES.statuspage,
    leaseMs: 60_000,
    maxAttempts: 8,
    async handle(message: QueuedMessage) {
      const { draftId } = message.payload as PublishPayload;
      const draft = await ctx.store.getDraft(draftId);
      if (!draft) return { kind: 'failed', problem: `draft ${draftId} no longer exists` };
      if (draft.state === 'published') return { kind: 'done', note: `already published as ${draft.published?.ref}` };
      if (draft.state !== 'approved' || draft.review?.decision !== 'approved')
        return { kind: 'failed', problem: `draft ${draftId} is ${draft.state}: only an approved draft is published` };
      const existing = await statuspageIncidentOf(ctx, draft.incidentId);
      if (message.attempts > 1) {
        const posted = await deps.api.alreadyPosted(draft, existing, message.enqueuedAt);
        if (posted) {
          await recordPublished(ctx, {
            draftId,
            ref: posted.id,
            url: posted.url,
            system: 'Statuspage',
            created: !existing,
          });
          return { kind: 'done', note: `found already posted as ${posted.id}` };
        }
      }
      const resolved = await deps.api.componentIds(draft.components.map((c) => c.name));
      if ('problem' in resolved) return resolved.problem;
      const outcome = await deps.api.send(deps.api.draftRequest(draft, resolved.ids, existing));
      if (outcome.kind === 'retry')
        return { kind: 'retry', problem: outcome.problem, retryAfterMs: outcome.retryAfterMs };
      if (outcome.kind === 'refused') return { kind: 'failed', problem: outcome.problem };
      if (outcome.kind === 'dry_run') return { kind: 'retry', problem: 'dry run: not sent', retryAfterMs: 60_000 };
      const parsed = Incident.safeParse(outcome.body);
      const ref = parsed.success ? parsed.data.id : existing;
      if (!ref) return { kind: 'failed', problem: 'Statuspage answered without an incident id' };
      await recordPublished(ctx, {
        draftId,
        ref,
        url: parsed.success ? (parsed.data.shortlink ?? null) : null,
        system: 'Statuspage',
        created: !existing,
      });
      return { kind: 'done', note: `published as ${ref}` };
    },
    async onFailed(message, problem) {
      const draft = await ctx.store.getDraft((message.payload as PublishPayload).draftId);
      if (!draft) return;
      await recordExternalReport(ctx, {
        incidentId: draft.incidentId,
        at: deps.clock.now().toISOString(),
        author: 'incident-commander',
        kind: 'note',
        text: `Customer update ${draft.id} was approved but not published: ${problem}. Customers have not seen it; fix the cause and approve it again (incident-commander updates approve ${draft.id}).`,
        data: { external: { system: 'statuspage', failed: message.key } },
      });
    },
  };
}
