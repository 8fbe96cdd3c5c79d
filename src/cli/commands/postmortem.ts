import { writePrivateFile } from '../../core/files.js';
import { parseIncidentId } from '../../core/ids.js';
import { draftPostmortem } from '../../postmortem/service.js';
import { overridesFrom } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { openCliRuntime } from '../open.js';
import type { Parsed } from '../spec.js';
import type { POSTMORTEM } from './specs.js';

/** Writes the blameless post-mortem draft of an incident, with its whole timeline, as markdown. */
export async function run(
  { flags, positionals, usage }: Parsed<(typeof POSTMORTEM)['flags']>,
  io: CliIO,
): Promise<number> {
  const raw = positionals[0];
  const id = raw ? parseIncidentId(raw) : null;
  if (!id) throw new UsageError(raw ? `"${raw}" is not an incident id` : 'missing incident id', `Usage: ${usage}`);
  const runtime = openCliRuntime(overridesFrom(flags), io, { readOnly: true });
  try {
    const draft = await draftPostmortem(runtime.context(io.env['USER'] ?? 'cli'), id);
    if (flags.out) {
      writePrivateFile(flags.out, draft.markdown);
      io.stderr(
        `Wrote ${flags.out}${draft.dueAt ? ` (due by ${draft.dueAt})` : ''}.${draft.missing.length ? ` Before publishing: ${draft.missing.join('; ')}.` : ''}\n`,
      );
    } else {
      io.stdout(draft.markdown);
    }
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}
