import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { draftPostmortem } from '../../postmortem/service.js';
import { overridesFrom, parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { openCliRuntime } from '../open.js';

const USAGE = 'incident-commander postmortem INC-ID [--out FILE]';

/** Writes the blameless post-mortem draft of an incident, with its whole timeline, as markdown. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseCommandArgs(
    argv,
    { out: { type: 'string' } },
    z.object({ out: z.string().min(1).optional() }),
    USAGE,
  );
  const raw = positionals[0];
  if (!raw || !/^(?:inc-?)?\d{1,9}$/i.test(raw))
    throw new UsageError(raw ? `"${raw}" is not an incident id` : 'missing incident id', `Usage: ${USAGE}`);
  const id = `INC-${Number(raw.replace(/^inc-?/i, ''))}`;
  const runtime = openCliRuntime(overridesFrom(flags), io);
  try {
    const draft = await draftPostmortem(runtime.context(io.env['USER'] ?? 'cli'), id);
    if (flags.out) {
      writeFileSync(flags.out, draft.markdown);
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
