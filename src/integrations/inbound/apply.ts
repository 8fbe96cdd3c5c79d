import { resolveServiceName, type ServiceCatalog } from '../../config/services.js';
import { ConflictError } from '../../core/errors.js';
import { formatClock } from '../../core/time.js';
import type { IncidentContext } from '../../incident/context.js';
import { declareIncident } from '../../incident/declare.js';
import { type ExternalReport, recordExternalReport } from '../../incident/external.js';
import { resolveIncident, updateIncident } from '../../incident/lifecycle.js';
import type { ExternalRef, Incident } from '../../store/types.js';
import type { ExternalEvent } from './event.js';

/** Notes the commander posts to another system start with this, so their echo is not recorded twice. */
export const NOTE_MARK = '[incident-commander]';
/** The dedup key of the pages the commander sends: `incident-commander:INC-12`. */
export const DEDUP_PREFIX = 'incident-commander:';

const SYSTEM_NAME = { pagerduty: 'PagerDuty', opsgenie: 'Opsgenie' } as const;

/** What a reference of a record in another system keeps about it. */
export interface RecordState {
  url: string | null;
  number: string | null;
  /** The incident was opened from this record (it came from that system). */
  origin: boolean;
  /** The record's state there, and when that state held: the newest news wins. */
  state: string | null;
  stateAt: string | null;
}

export function recordState(ref: ExternalRef): RecordState {
  const d = ref.data;
  return {
    url: typeof d['url'] === 'string' ? d['url'] : null,
    number: typeof d['number'] === 'string' ? d['number'] : null,
    origin: d['origin'] === true,
    state: typeof d['state'] === 'string' ? d['state'] : null,
    stateAt: typeof d['stateAt'] === 'string' ? d['stateAt'] : null,
  };
}

/** The configured service a record's service is: by its id in services.yaml (pagerduty_service), else by name or alias. */
export function mapService(catalog: ServiceCatalog, service: ExternalEvent['service']): string | null {
  if (!service) return null;
  for (const s of catalog.services.values()) if (service.id && s.pagerduty_service === service.id) return s.name;
  return service.name ? resolveServiceName(catalog, service.name) : null;
}

function label(event: ExternalEvent): string {
  const name = SYSTEM_NAME[event.system];
  return `${name} ${event.recordKind}${event.number ? ` #${event.number}` : ` ${event.ref}`}`;
}

const marker = (event: ExternalEvent) => ({
  external: { system: event.system, kind: event.recordKind, ref: event.ref, eventId: event.eventId, type: event.type },
});

async function alreadyRecorded(ctx: IncidentContext, incidentId: string, eventId: string): Promise<boolean> {
  const timeline = await ctx.store.listTimeline(incidentId);
  return timeline.some((e) => (e.data?.['external'] as { eventId?: unknown } | undefined)?.eventId === eventId);
}

export interface ApplyResult {
  incidentId: string | null;
  /** What was done, in a few words, for the inbox row and the logs. */
  note: string;
}

/**
 * Applies one event of another system to the record, idempotently (a delivery handled again after
 * a crash changes nothing twice): the first event of a record opens an incident for it (or links
 * it to ours, when it is a page the commander sent), later ones go on that incident's timeline
 * and move its status. An event older than news already applied is recorded at its time but moves
 * nothing, so deliveries that arrive out of order cannot undo a later state.
 */
export async function applyExternalEvent(
  ctx: IncidentContext,
  event: ExternalEvent,
  catalog: ServiceCatalog,
): Promise<ApplyResult> {
  let ref = await ctx.store.findRef(event.system, event.recordKind, event.ref);
  if (!ref) ref = await linkOurPage(ctx, event);
  let opened = false;
  if (!ref) {
    if (
      !event.title ||
      ![
        'opened',
        'acknowledged',
        'resolved',
        'escalated',
        'reassigned',
        'priority',
        'reopened',
        'unacknowledged',
      ].includes(event.kind)
    )
      return { incidentId: null, note: `ignored: ${label(event)} is not linked to any incident here` };
    const result = await openFrom(ctx, event, catalog);
    ref = result.ref;
    opened = result.opened;
    if (event.kind === 'opened') return { incidentId: ref.incidentId, note: `opened ${ref.incidentId}` };
  }
  const incidentId = ref.incidentId;
  const known = recordState(ref);
  const stale = known.stateAt !== null && event.occurredAt < known.stateAt && !opened;
  const note =
    !opened && (await alreadyRecorded(ctx, incidentId, event.eventId))
      ? `already recorded on ${incidentId}`
      : await applyKind(ctx, event, incidentId, stale, known.origin || opened);
  if (event.state && !stale && (known.stateAt === null || event.occurredAt >= known.stateAt))
    await ctx.store.updateRef(
      event.system,
      event.recordKind,
      event.ref,
      { ...ref.data, state: event.state, stateAt: event.occurredAt },
      ctx.clock.now().toISOString(),
    );
  return { incidentId, note };
}

/** A PagerDuty incident opened by one of the commander's own pages (its incident key is our dedup key) is linked, not opened again. */
async function linkOurPage(ctx: IncidentContext, event: ExternalEvent): Promise<ExternalRef | null> {
  if (!event.incidentKey?.startsWith(DEDUP_PREFIX)) return null;
  const incident = await ctx.store.getIncident(event.incidentKey.slice(DEDUP_PREFIX.length));
  if (!incident) return null;
  const state: RecordState = { url: event.url, number: event.number, origin: false, state: null, stateAt: null };
  const { ref, created } = await ctx.store.putRef({
    incidentId: incident.id,
    system: event.system,
    kind: event.recordKind,
    key: event.ref,
    data: { ...state },
    at: ctx.clock.now().toISOString(),
  });
  if (created)
    await recordExternalReport(ctx, {
      incidentId: incident.id,
      at: event.occurredAt,
      author: author(event),
      kind: 'note',
      text: `${label(event)} opened for the commander's page${event.url ? `: ${event.url}` : ''}`,
      data: marker(event),
    });
  return ref;
}

function author(event: ExternalEvent): string {
  return `${event.actor ?? SYSTEM_NAME[event.system]} (${SYSTEM_NAME[event.system]})`;
}

async function openFrom(
  ctx: IncidentContext,
  event: ExternalEvent,
  catalog: ServiceCatalog,
): Promise<{ ref: ExternalRef; opened: boolean }> {
  const now = ctx.clock.now().toISOString();
  const started = [event.createdAt, event.occurredAt, now].filter((t): t is string => !!t).sort()[0]!;
  const service = mapService(catalog, event.service);
  const state: RecordState = {
    url: event.url,
    number: event.number,
    origin: true,
    state: event.state,
    stateAt: event.state ? event.occurredAt : null,
  };
  try {
    const declared = await declareIncident(ctx, {
      title: event.title!,
      description: `${event.title}${event.service?.name ? ` (${SYSTEM_NAME[event.system]} service ${event.service.name})` : ''}`,
      ...(service ? { services: [service] } : {}),
      ...(event.severity ? { severity: event.severity.level } : {}),
      reporter: SYSTEM_NAME[event.system],
      startedAt: started,
      detectedAt: started,
      refs: [{ system: event.system, kind: event.recordKind, key: event.ref, data: { ...state } }],
    });
    const unmapped =
      event.service && !service
        ? `${SYSTEM_NAME[event.system]} service "${event.service.name ?? event.service.id}"${event.service.id ? ` (${event.service.id})` : ''} is not in services.yaml: add pagerduty_service: ${event.service.id ?? '…'} to the service it is.`
        : null;
    await recordExternalReport(ctx, {
      incidentId: declared.incident.id,
      at: event.occurredAt,
      author: author(event),
      kind: 'note',
      text: [
        `Opened from ${label(event)}${event.url ? ` (${event.url})` : ''}`,
        event.severity
          ? `severity ${event.severity.level} from ${event.severity.basis}`
          : 'no priority or urgency given: severity classified from the title',
        ...(unmapped ? [unmapped] : []),
        ...declared.warnings,
      ].join('; '),
      data: marker(event),
    });
    const ref = await ctx.store.findRef(event.system, event.recordKind, event.ref);
    return { ref: ref!, opened: true };
  } catch (error) {
    // Another worker opened it first: work on that incident.
    if (!(error instanceof ConflictError)) throw error;
    const ref = await ctx.store.findRef(event.system, event.recordKind, event.ref);
    if (!ref) throw error;
    return { ref, opened: false };
  }
}

/**
 * `origin` false: the record is the page the commander sent for an incident declared here. Its
 * acknowledgement is news (someone took the page); its resolution, reopening and priority are
 * that page's, so they go on the timeline and leave the incident's own status and severity alone.
 */
async function applyKind(
  ctx: IncidentContext,
  event: ExternalEvent,
  incidentId: string,
  stale: boolean,
  origin: boolean,
): Promise<string> {
  const who = event.actor ?? SYSTEM_NAME[event.system];
  const name = SYSTEM_NAME[event.system];
  const report = (r: Omit<ExternalReport, 'incidentId' | 'at' | 'author' | 'data'>): Promise<void> =>
    recordExternalReport(ctx, { incidentId, at: event.occurredAt, author: author(event), data: marker(event), ...r });
  const late = stale ? ` (arrived after newer news from ${name}: recorded, not applied)` : '';
  const incident = (await ctx.store.getIncident(incidentId)) as Incident;
  if (!origin && (event.kind === 'resolved' || event.kind === 'reopened' || event.kind === 'priority')) {
    const what =
      event.kind === 'priority' ? `priority set${event.severity ? ` (${event.severity.basis})` : ''}` : event.kind;
    await report({
      kind: 'note',
      text: `The page ${label(event)} was ${what} in ${name} by ${who}; ${incident.id} keeps its own ${event.kind === 'priority' ? 'severity' : 'status'}`,
    });
    return `page ${event.kind}`;
  }
  switch (event.kind) {
    case 'opened':
      await report({ kind: 'note', text: `${label(event)} triggered again in ${name}${late}` });
      return 'noted';
    case 'acknowledged':
      await report({ kind: 'milestone', text: `Acknowledged in ${name} by ${who}${late}`, acknowledges: !stale });
      return 'acknowledged';
    case 'unacknowledged':
      await report({ kind: 'escalation', text: `Acknowledgement timed out in ${name}: it is paging again${late}` });
      return 'unacknowledged';
    case 'escalated':
    case 'reassigned':
      await report({
        kind: 'escalation',
        text: `${event.kind === 'escalated' ? 'Escalated' : 'Reassigned'} in ${name}${event.text ? ` to ${event.text}` : ''}${event.actor ? ` by ${who}` : ''}${late}`,
      });
      return event.kind;
    case 'note':
      if (!event.text || event.text.startsWith(NOTE_MARK)) return 'our own note: not recorded again';
      await report({ kind: 'note', text: `${name} note by ${who}: ${event.text}` });
      return 'noted';
    case 'status_update':
      await report({ kind: 'note', text: `${name} status update by ${who}: ${event.text ?? ''}`.trim() });
      return 'noted';
    case 'responder':
      await report({ kind: 'roles', text: `${name} responder request: ${event.text ?? 'updated'}` });
      return 'noted';
    case 'priority': {
      // Already at that level (the change was applied before a crash, or made here): nothing to write.
      if (!stale && event.severity?.level === incident.severity) return `already ${incident.severity}`;
      if (stale || !event.severity || incident.status === 'resolved') {
        await report({
          kind: 'note',
          text: `${name} priority set${event.severity ? ` (${event.severity.basis}, ${event.severity.level})` : ''} by ${who}${late}`,
        });
        return 'noted';
      }
      await updateIncident(ctx, {
        incidentId,
        severity: event.severity.level,
        reason: `${event.severity.basis}, set in ${name} by ${who} at ${formatClock(event.occurredAt, ctx.clock.now())}`,
        by: author(event),
      });
      return `severity ${incident.severity} → ${event.severity.level}`;
    }
    case 'resolved': {
      if (!stale && incident.status === 'resolved') return 'already resolved';
      if (stale) {
        await report({ kind: 'note', text: `Resolved in ${name} by ${who}${late}` });
        return 'noted';
      }
      const resolvedAt = [event.occurredAt, incident.startedAt].sort().at(-1)!;
      await resolveIncident(ctx, {
        incidentId,
        resolution: `resolved in ${name} by ${who}${event.text ? ` (${event.text})` : ''}`,
        resolvedAt: [resolvedAt, ctx.clock.now().toISOString()].sort()[0]!,
        by: author(event),
      });
      return 'resolved';
    }
    case 'reopened': {
      if (!stale && incident.status !== 'resolved') return 'already open';
      if (stale) {
        await report({ kind: 'note', text: `Reopened in ${name} by ${who}${late}` });
        return 'noted';
      }
      await updateIncident(ctx, {
        incidentId,
        reopen: true,
        reason: `reopened in ${name} by ${who}`,
        by: author(event),
      });
      return 'reopened';
    }
    default:
      return `ignored ${event.type}`;
  }
}
