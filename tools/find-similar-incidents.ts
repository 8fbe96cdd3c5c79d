import { z } from 'zod';
import { findSimilarIncidents as findSimilar } from '../src/incident/similar.js';
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
  handler: (args, ctx) => findSimilar(ctx, args),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as findSimilarIncidentsOutput };
