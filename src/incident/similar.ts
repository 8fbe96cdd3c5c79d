import { InputError } from '../core/errors.js';
import { formatClock } from '../core/time.js';
import type { Severity } from '../severity/signals.js';
import type { ActionItem, Incident } from '../store/types.js';
import { isOverdue, titleSimilarity } from './action-items.js';
import type { IncidentContext } from './context.js';
import { requireIncident } from './lookup.js';

export interface SimilarIncident {
  incident: Incident;
  similarity: number;
  sharedServices: string[];
  openItems: ActionItem[];
}

/**
 * Ranks past incidents by what they share with this one: affected services (most of the weight)
 * and the words of title and summary. Pure: the caller loads incidents and action items.
 */
export function rankSimilar(
  probe: { id?: string | undefined; services: readonly string[]; text: string },
  past: readonly Incident[],
  items: readonly ActionItem[],
  threshold = 0.2,
): SimilarIncident[] {
  const open = items.filter((i) => i.status === 'open' || i.status === 'in_progress');
  return past
    .filter((p) => p.id !== probe.id)
    .map((p) => {
      const shared = p.services.filter((s) => probe.services.includes(s));
      const serviceScore =
        probe.services.length && p.services.length
          ? shared.length / new Set([...probe.services, ...p.services]).size
          : 0;
      const words = titleSimilarity(probe.text, `${p.title} ${p.summary}`);
      const similarity = Math.round((shared.length ? 0.5 + 0.3 * serviceScore + 0.2 * words : words * 0.8) * 100) / 100;
      return { incident: p, similarity, sharedServices: shared, openItems: open.filter((i) => i.incidentId === p.id) };
    })
    .filter((s) => s.similarity >= threshold)
    .sort((a, b) => b.similarity - a.similarity || b.incident.startedAt.localeCompare(a.incident.startedAt));
}

export interface SimilarQuery {
  /** Incidents like this one (its services, title and summary). */
  incidentId?: string | undefined;
  services?: readonly string[] | undefined;
  symptoms?: string | undefined;
  limit: number;
}

export interface SimilarMatch {
  id: string;
  title: string;
  severity: Severity;
  status: string;
  startedAt: string;
  resolution: string | null;
  sharedServices: string[];
  similarity: number;
  openActionItems: { id: string; title: string; owner: string; dueAt: string; overdue: boolean }[];
}

export interface SimilarIncidents {
  matches: SimilarMatch[];
  /** One line per unfinished fix: "AI-3 Add a canary stage — proposed in INC-12, still open (owner Priya, due …)". */
  unfinishedFixes: string[];
  summary: string;
}

/** Past incidents (the last 500) sharing services or symptoms, with how they ended and the fixes left unfinished. */
export async function findSimilarIncidents(ctx: IncidentContext, request: SimilarQuery): Promise<SimilarIncidents> {
  const now = ctx.clock.now();
  let probe: { id?: string; services: readonly string[]; text: string };
  if (request.incidentId) {
    const incident = await requireIncident(ctx.store, request.incidentId);
    probe = {
      id: incident.id,
      services: request.services ?? incident.services,
      text: `${incident.title} ${incident.summary} ${request.symptoms ?? ''}`,
    };
  } else if (request.services?.length || request.symptoms) {
    probe = { services: request.services ?? [], text: request.symptoms ?? '' };
  } else {
    throw InputError.field('(input)', 'give incidentId, services or symptoms');
  }
  const past = await ctx.store.listIncidents({ limit: 500 });
  const items = await ctx.store.listActionItems({ status: ['open', 'in_progress'] });
  const ranked = rankSimilar(probe, past, items).slice(0, request.limit);
  const unfinishedFixes = ranked.flatMap((m) =>
    m.openItems.map(
      (i) =>
        `${i.id} "${i.title}" — proposed in ${m.incident.id}, still ${i.status.replace('_', ' ')} (owner ${i.owner}, due ${formatClock(i.dueAt, now)}${isOverdue(i, now) ? ', OVERDUE' : ''})`,
    ),
  );
  return {
    matches: ranked.map((m) => ({
      id: m.incident.id,
      title: m.incident.title,
      severity: m.incident.severity,
      status: m.incident.status,
      startedAt: m.incident.startedAt,
      resolution: m.incident.resolution,
      sharedServices: m.sharedServices,
      similarity: m.similarity,
      openActionItems: m.openItems.map((i) => ({
        id: i.id,
        title: i.title,
        owner: i.owner,
        dueAt: i.dueAt,
        overdue: isOverdue(i, now),
      })),
    })),
    unfinishedFixes,
    summary: ranked.length
      ? `${ranked.length} similar incident(s); ${unfinishedFixes.length ? `${unfinishedFixes.length} unfinished fix(es) from them` : 'their fixes are done'}. Most similar: ${ranked[0]!.incident.id} "${ranked[0]!.incident.title}"${ranked[0]!.incident.resolution ? ` (resolved by: ${ranked[0]!.incident.resolution})` : ''}.`
      : 'No similar past incidents.',
  };
}
