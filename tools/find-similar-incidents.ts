import { z } from 'zod';
import { InputError } from '../src/core/errors.js';
import { formatClock } from '../src/core/time.js';
import { isOverdue } from '../src/incident/action-items.js';
import { requireIncident } from '../src/incident/lookup.js';
import { rankSimilar } from '../src/incident/similar.js';
import { incidentId, limit, text } from '../src/registry/fields.js';
import { defineTool } from '../src/registry/types.js';
import { SEVERITIES } from '../src/severity/signals.js';

const input = z
  .object({
    incidentId: incidentId().optional().describe('Find incidents like this one (its services, title and summary).'),
    services: z.array(text(63)).max(20).optional().describe('Or: affected services.'),
    symptoms: text(2000).optional().describe('Or: the symptoms in words.'),
    limit: limit(5, 20),
  })
  .strict();

const output = z.object({
  matches: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      severity: z.enum(SEVERITIES),
      status: z.string(),
      startedAt: z.string(),
      resolution: z.string().nullable(),
      sharedServices: z.array(z.string()),
      similarity: z.number(),
      openActionItems: z.array(
        z.object({ id: z.string(), title: z.string(), owner: z.string(), dueAt: z.string(), overdue: z.boolean() }),
      ),
    }),
  ),
  /** One line per unfinished fix: "AI-3 Add a canary stage — proposed in INC-12, still open (owner Priya, due …)". */
  unfinishedFixes: z.array(z.string()),
  summary: z.string(),
});

export const findSimilarIncidents = defineTool({
  name: 'find_similar_incidents',
  title: 'Find similar incidents',
  description: [
    'Search past incidents that share services or symptoms with this one: how they were resolved, and the action items they left unfinished.',
    'A repeat failure with an unfinished fix should be named ("proposed in INC-12, still open") — it is the strongest lead and the first thing the post-mortem will ask about.',
    'Returns at most `limit` matches (default 5, max 20), most similar first, from the last 500 incidents.',
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const now = ctx.clock.now();
    let probe: { id?: string; services: string[]; text: string };
    if (args.incidentId) {
      const incident = await requireIncident(ctx.store, args.incidentId);
      probe = {
        id: incident.id,
        services: args.services ?? incident.services,
        text: `${incident.title} ${incident.summary} ${args.symptoms ?? ''}`,
      };
    } else if (args.services?.length || args.symptoms) {
      probe = { services: args.services ?? [], text: args.symptoms ?? '' };
    } else {
      throw InputError.field('(input)', 'give incidentId, services or symptoms');
    }
    const past = await ctx.store.listIncidents({ limit: 500 });
    const items = await ctx.store.listActionItems({ status: ['open', 'in_progress'] });
    const ranked = rankSimilar(probe, past, items).slice(0, args.limit);
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
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as findSimilarIncidentsOutput };
