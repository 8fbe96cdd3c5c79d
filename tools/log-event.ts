import { z } from 'zod';
import { LOGGABLE_KINDS, recordEvent } from '../src/incident/record.js';
import { incidentId, isoTime, person, text } from '../src/registry/fields.js';
import { TimelineEventSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';

const input = z
  .object({
    incidentId: incidentId(),
    text: text(4000).describe('What happened, was seen or was decided, in one or two sentences.'),
    kind: z
      .enum(LOGGABLE_KINDS)
      .default('note')
      .describe(
        'observation: something seen (a graph, a log line); decision: a choice and why; action: something done (rollback, restart); escalation: someone paged; milestone: mitigated, customer impact ended; deploy: a change shipped.',
      ),
    at: isoTime().optional().describe('When it happened (ISO 8601), if not now. Backdated entries sort into place.'),
    author: person().optional().describe('Who did or saw it; defaults to the caller.'),
  })
  .strict();

const output = z.object({ event: TimelineEventSchema, timelineTotal: z.number() });

export const logEvent = defineTool({
  name: 'log_event',
  title: 'Log timeline event',
  description:
    "The scribe's tool: add an entry to the incident timeline as it happens — observations, decisions with their reason, actions taken, escalations, milestones. The timeline, not anyone's memory, is the source of truth and becomes the post-mortem. Append-only.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: (args, ctx) => recordEvent(ctx, args),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as logEventOutput };
