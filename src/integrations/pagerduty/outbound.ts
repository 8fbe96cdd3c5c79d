import type { Logger } from '../../core/logger.js';
import type { Clock } from '../../core/time.js';
import { formatClock } from '../../core/time.js';
import type { IncidentContext } from '../../incident/context.js';
import { recordExternalReport } from '../../incident/external.js';
import type { SeverityFramework } from '../../severity/framework.js';
import type { MessageStore, NewQueuedMessage, QueuedMessage } from '../../store/messages.js';
import type { ExternalRef, IncidentRecord } from '../../store/types.js';
import type { PagerDutySettings } from '../config.js';
import type { OutboundRequest, Outcome, Transport } from '../http.js';
import { NOTE_MARK, recordState } from '../inbound/apply.js';
import { type HandlerResult, QUEUES, type QueueHandler } from '../queue.js';
import { dedupKey, type EventAction, eventRequest, keysByFingerprint, pageGroups } from './events.js';
import { noteRequest, statusRequest } from './rest.js';

/** An Events API call waiting in the outbox: which page, and the routing keys (by fingerprint, never the key) it goes to. */
export interface EventsPayload {
  incidentId: string;
  action: EventAction;
  groups: { fingerprint: string; targets: string[] }[];
  unrouted: string[];
}

export type RestPayload =
  | { op: 'status'; incidentId: string; pdIncident: string; status: 'acknowledged' | 'resolved' }
  | { op: 'note'; incidentId: string; pdIncident: string; content: string };

export interface OutboundDeps {
  settings: PagerDutySettings;
  framework: SeverityFramework;
  messages: MessageStore;
  clock: Clock;
  logger: Logger;
  transport: Transport;
  /** A context acting as the integration (the author of what it records). */
  context: IncidentContext;
}

/** Someone has command here: the page can stop (status past investigating, or a dedicated IC assigned). */
function commandTaken(record: IncidentRecord): boolean {
  if (record.incident.status === 'identified' || record.incident.status === 'monitoring') return true;
  return record.roles.some((r) => r.role === 'incident_commander' && r.person !== null && !r.interim);
}

/** An incident is paged only when it started paging recently: turning the integration on does not page every old open incident. */
export const PAGE_WITHIN_MS = 60 * 60_000;

/** When the incident last came to need a page: declared, its severity changed, or reopened. */
function pagingSince(record: IncidentRecord): string {
  const reopened = record.timeline
    .filter((e) => e.kind === 'status' && e.data?.['from'] === 'resolved')
    .map((e) => e.recordedAt);
  return [record.incident.createdAt, record.history.at(-1)?.at ?? '', ...reopened].sort().at(-1)!;
}

/** Timeline kinds worth a note on the PagerDuty incident the incident came from. */
const NOTE_KINDS = new Set(['decision', 'status', 'severity', 'roles', 'milestone', 'update', 'action']);

function pagerdutyOrigin(refs: readonly ExternalRef[]): ExternalRef | undefined {
  return refs.find((r) => r.system === 'pagerduty' && r.kind === 'incident' && recordState(r).origin);
}

/**
 * What should go to PagerDuty for one incident, as outbox messages keyed so that every process
 * planning at once agrees on them (enqueue keeps one per key):
 * - born here: the page the severity framework names, Events API v2 with dedup key
 *   incident-commander:<id>: triggered when the level pages, acknowledged once someone has
 *   command, resolved on resolution, triggered again if it reopens;
 * - came from PagerDuty: its status (acknowledged, resolved) and the commander's decisions,
 *   status changes and updates as notes, through the REST API as the From user.
 */
export async function planPagerDuty(
  deps: OutboundDeps,
  record: IncidentRecord,
  refs: readonly ExternalRef[],
): Promise<NewQueuedMessage[]> {
  const out: NewQueuedMessage[] = [];
  const at = deps.clock.now().toISOString();
  const { incident } = record;
  const origin = pagerdutyOrigin(refs);
  const events = deps.settings.events;
  if (events && !origin) {
    const sent = await deps.messages.listMessages(QUEUES.pagerdutyEvents, { partition: incident.id });
    const last = sent.at(-1)?.payload as EventsPayload | undefined;
    const lastTrigger = [...sent].reverse().find((m) => (m.payload as EventsPayload).action === 'trigger')?.payload as
      | EventsPayload
      | undefined;
    const paged = last !== undefined && last.action !== 'resolve' && (lastTrigger?.groups.length ?? 0) > 0;
    let action: EventAction | null = null;
    if (incident.status === 'resolved') action = paged ? 'resolve' : null;
    else if (
      (!last || last.action === 'resolve') &&
      Date.parse(pagingSince(record)) >= Date.parse(at) - PAGE_WITHIN_MS
    ) {
      const plan = pageGroups(events, deps.framework, incident);
      if (plan.groups.length || plan.unrouted.length) action = 'trigger';
    } else if (last?.action === 'trigger' && paged && commandTaken(record)) action = 'acknowledge';
    if (action) {
      const plan = action === 'trigger' ? pageGroups(events, deps.framework, incident) : null;
      const payload: EventsPayload = plan
        ? {
            incidentId: incident.id,
            action,
            groups: plan.groups.map((g) => ({ fingerprint: g.key.fingerprint, targets: g.targets })),
            unrouted: plan.unrouted,
          }
        : { incidentId: incident.id, action, groups: lastTrigger?.groups ?? [], unrouted: [] };
      out.push({
        queue: QUEUES.pagerdutyEvents,
        key: `${incident.id}:${sent.length + 1}:${action}`,
        partition: incident.id,
        payload,
        at,
      });
    }
  }
  const rest = deps.settings.rest;
  if (rest?.from && origin) {
    const pd = recordState(origin);
    const wanted =
      incident.status === 'resolved' ? 'resolved' : commandTaken(record) ? ('acknowledged' as const) : null;
    if (wanted && pd.state !== 'resolved' && pd.state !== wanted) {
      const payload: RestPayload = { op: 'status', incidentId: incident.id, pdIncident: origin.key, status: wanted };
      out.push({
        queue: QUEUES.pagerdutyRest,
        key: `${incident.id}:status:${wanted}:${pd.stateAt ?? 'none'}`,
        partition: incident.id,
        payload,
        at,
      });
    }
    if (rest.notes) {
      const queued = new Set(
        (await deps.messages.listMessages(QUEUES.pagerdutyRest, { partition: incident.id })).map((m) => m.key),
      );
      for (const e of record.timeline) {
        // What PagerDuty itself reported (its webhooks' entries, and the changes they made here) is not sent back.
        if (!NOTE_KINDS.has(e.kind) || e.data?.['external'] || e.author.endsWith('(PagerDuty)')) continue;
        if (e.recordedAt < origin.createdAt || queued.has(`${incident.id}:note:${e.seq}`)) continue;
        const content = `${NOTE_MARK} ${formatClock(e.at, deps.clock.now())} ${e.kind} — ${e.author}: ${e.text}`.slice(
          0,
          2000,
        );
        const payload: RestPayload = { op: 'note', incidentId: incident.id, pdIncident: origin.key, content };
        out.push({
          queue: QUEUES.pagerdutyRest,
          key: `${incident.id}:note:${e.seq}`,
          partition: incident.id,
          payload,
          at,
        });
      }
    }
  }
  return out;
}

/** The requests one outbox message makes (several for a page on several routing keys). */
export function requestsFor(
  deps: Pick<OutboundDeps, 'settings'>,
  message: Pick<QueuedMessage, 'queue' | 'payload'>,
  record: IncidentRecord,
  at: string,
): OutboundRequest[] {
  if (message.queue === QUEUES.pagerdutyEvents) {
    const events = deps.settings.events;
    const p = message.payload as EventsPayload;
    if (!events) return [];
    const keys = keysByFingerprint(events);
    return p.groups.flatMap((g) => {
      const key = keys.get(g.fingerprint);
      return key ? [eventRequest(events, key, p.action, record.incident, g.targets, at)] : [];
    });
  }
  const rest = deps.settings.rest;
  const p = message.payload as RestPayload;
  if (!rest || message.queue !== QUEUES.pagerdutyRest) return [];
  return [p.op === 'note' ? noteRequest(rest, p.pdIncident, p.content) : statusRequest(rest, p.pdIncident, p.status)];
}

function resultOf(outcome: Outcome): HandlerResult | null {
  if (outcome.kind === 'retry') return { kind: 'retry', problem: outcome.problem, retryAfterMs: outcome.retryAfterMs };
  if (outcome.kind === 'refused') return { kind: 'failed', problem: outcome.problem };
  return null;
}

async function onTimeline(ctx: IncidentContext, incidentId: string, messageKey: string): Promise<boolean> {
  const timeline = await ctx.store.listTimeline(incidentId, { kinds: ['escalation', 'milestone', 'note'] });
  return timeline.some(
    (e) => (e.data?.['external'] as { messageKey?: unknown } | undefined)?.messageKey === messageKey,
  );
}

/** Sends the Events API outbox: each page on every routing key, then the timeline records who was paged and when. */
export function eventsHandler(deps: OutboundDeps): QueueHandler {
  const ctx = deps.context;
  return {
    queue: QUEUES.pagerdutyEvents,
    leaseMs: 60_000,
    maxAttempts: 8,
    async handle(message) {
      const p = message.payload as EventsPayload;
      const record = await ctx.store.readRecord(p.incidentId, { timelineLimit: 0 });
      if (!record) return { kind: 'failed', problem: `incident ${p.incidentId} no longer exists` };
      const events = deps.settings.events;
      if (!events) return { kind: 'failed', problem: 'the Events API is no longer configured' };
      const keys = keysByFingerprint(events);
      const at = deps.clock.now().toISOString();
      const missing = p.groups.filter((g) => !keys.has(g.fingerprint)).flatMap((g) => g.targets);
      for (const g of p.groups) {
        const key = keys.get(g.fingerprint);
        if (!key) continue;
        const outcome = await deps.transport.send(eventRequest(events, key, p.action, record.incident, g.targets, at));
        const failed = resultOf(outcome);
        if (failed) {
          if (failed.kind === 'retry' && message.attempts === 1 && p.action === 'trigger')
            await recordExternalReport(ctx, {
              incidentId: p.incidentId,
              at,
              author: 'incident-commander',
              kind: 'note',
              text: `PagerDuty has not taken the page yet (${failed.problem}); retrying with backoff`,
              data: { external: { system: 'pagerduty', retry: message.key } },
            });
          return failed;
        }
      }
      if (!(await onTimeline(ctx, p.incidentId, message.key))) {
        const paged = p.groups.flatMap((g) => g.targets.filter((t) => !missing.includes(t)));
        const text =
          p.action === 'trigger'
            ? [
                paged.length
                  ? `Paged via PagerDuty at ${formatClock(at, deps.clock.now())}: ${paged.join(', ')} (Events API, dedup key ${dedupKey(p.incidentId)})`
                  : 'Nobody was paged via PagerDuty',
                ...(p.unrouted.length || missing.length
                  ? [
                      `not paged, no routing key configured: ${[...p.unrouted, ...missing].join(', ')} — page them by hand and add them under pagerduty.events.page`,
                    ]
                  : []),
              ].join('; ')
            : p.action === 'acknowledge'
              ? `PagerDuty page acknowledged at ${formatClock(at, deps.clock.now())}: someone has command here (Events API)`
              : `PagerDuty page resolved at ${formatClock(at, deps.clock.now())} (Events API)`;
        await recordExternalReport(ctx, {
          incidentId: p.incidentId,
          at,
          author: 'incident-commander',
          kind: p.action === 'trigger' ? 'escalation' : 'milestone',
          text,
          data: {
            external: {
              system: 'pagerduty',
              action: p.action,
              dedupKey: dedupKey(p.incidentId),
              paged,
              messageKey: message.key,
            },
          },
        });
      }
      return { kind: 'done', note: `${p.action} sent to ${p.groups.length} routing key(s)` };
    },
    async onFailed(message, problem) {
      const p = message.payload as EventsPayload;
      await recordExternalReport(ctx, {
        incidentId: p.incidentId,
        at: deps.clock.now().toISOString(),
        author: 'incident-commander',
        kind: 'escalation',
        text: `PagerDuty ${p.action} failed: ${problem}${p.action === 'trigger' ? ` — page ${p.groups.flatMap((g) => g.targets).join(', ') || 'the on-call'} by hand` : ''}`,
        data: { external: { system: 'pagerduty', failed: message.key } },
      });
    },
  };
}

/** Sends the REST outbox for incidents that came from PagerDuty: notes, and status changes recorded on the timeline. */
export function restHandler(deps: OutboundDeps): QueueHandler {
  const ctx = deps.context;
  return {
    queue: QUEUES.pagerdutyRest,
    leaseMs: 60_000,
    maxAttempts: 8,
    async handle(message) {
      const rest = deps.settings.rest;
      if (!rest?.from)
        return { kind: 'failed', problem: 'the PagerDuty REST API (token and From user) is no longer configured' };
      const p = message.payload as RestPayload;
      const request =
        p.op === 'note' ? noteRequest(rest, p.pdIncident, p.content) : statusRequest(rest, p.pdIncident, p.status);
      const outcome = await deps.transport.send(request);
      const failed = resultOf(outcome);
      if (failed) return failed;
      if (p.op === 'note') {
        const id = outcome.kind === 'ok' ? (outcome.body as { note?: { id?: unknown } } | null)?.note?.id : null;
        return { kind: 'done', note: typeof id === 'string' ? `note ${id}` : 'note posted' };
      }
      const at = deps.clock.now().toISOString();
      const ref = await ctx.store.findRef('pagerduty', 'incident', p.pdIncident);
      if (ref && (recordState(ref).stateAt ?? '') <= at)
        await ctx.store.updateRef(
          'pagerduty',
          'incident',
          p.pdIncident,
          { ...ref.data, state: p.status, stateAt: at },
          at,
        );
      if (!(await onTimeline(ctx, p.incidentId, message.key)))
        await recordExternalReport(ctx, {
          incidentId: p.incidentId,
          at,
          author: 'incident-commander',
          kind: 'milestone',
          text: `PagerDuty incident ${ref && recordState(ref).number ? `#${recordState(ref).number}` : p.pdIncident} set to ${p.status} (REST, as ${rest.from})`,
          data: { external: { system: 'pagerduty', action: p.status, messageKey: message.key } },
        });
      return { kind: 'done', note: p.status };
    },
  };
}
