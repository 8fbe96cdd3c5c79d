import { z } from 'zod';
import { findBlame, withoutQuotes } from '../src/incident/blameless.js';
import { text } from '../src/registry/fields.js';
import { defineTool } from '../src/registry/types.js';

const input = z
  .object({
    text: text(50_000).describe('Post-mortem text, a timeline entry, an update: anything that should be blameless.'),
  })
  .strict();

const output = z.object({
  clean: z.boolean(),
  findings: z.array(
    z.object({
      sentence: z.string(),
      reason: z.enum(['person_as_cause', 'human_error', 'hindsight', 'fault']),
      phrase: z.string(),
      suggestion: z.string(),
    }),
  ),
});

export const checkBlameless = defineTool({
  name: 'check_blameless',
  title: 'Check blameless wording',
  description:
    'Check text for blame: a person named as the cause ("Dave pushed a bad config"), "human error", hindsight ("should have checked"), fault-finding. Each finding comes with a systemic rewording (the change or the missing guardrail as the subject). Quoted text counts as a mention, not a claim.',
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args) {
    const findings = findBlame(withoutQuotes(args.text));
    return { clean: findings.length === 0, findings };
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as checkBlamelessOutput };
