import { titleSimilarity } from './action-items.js';
import type { ActionItem, Incident } from '../store/types.js';

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
