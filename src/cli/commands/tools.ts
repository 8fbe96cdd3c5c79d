import { z } from 'zod';
import { createRegistry } from '../../../tools/index.js';
import { overridesFrom } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { openCliRuntime } from '../open.js';
import type { Parsed } from '../spec.js';
import type { TOOLS_CALL, TOOLS_LIST } from './specs.js';

export async function list({ flags }: Parsed<(typeof TOOLS_LIST)['flags']>, io: CliIO): Promise<number> {
  const tools = createRegistry().tools;
  if (flags.json) {
    io.stdout(
      `${JSON.stringify(tools.map((t) => ({ name: t.name, title: t.title, description: t.description, annotations: t.annotations, inputSchema: z.toJSONSchema(t.input, { io: 'input' }) })))}\n`,
    );
  } else {
    for (const t of tools)
      io.stdout(`${t.name.padEnd(26)} ${t.annotations.readOnlyHint ? 'read ' : 'write'}  ${t.title}\n`);
  }
  return EXIT.ok;
}

export async function call(
  { flags, positionals, usage }: Parsed<(typeof TOOLS_CALL)['flags']>,
  io: CliIO,
): Promise<number> {
  const [name, raw] = positionals;
  if (!name) throw new UsageError('missing tool name', `Usage: ${usage}. See: incident-commander tools list`);
  const text = raw === '-' ? await io.readStdin() : (raw ?? '{}');
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `arguments are not valid JSON: ${(error as Error).message}`,
      `Pass one JSON object, e.g. '{"incidentId":"INC-1"}'.`,
    );
  }
  const readOnly = createRegistry().get(name)?.annotations.readOnlyHint ?? false;
  const runtime = openCliRuntime(overridesFrom(flags), io, { readOnly });
  try {
    const result = await runtime.registry.call(name, args, runtime.context(flags.actor ?? io.env['USER'] ?? 'cli'));
    io.stdout(
      `${JSON.stringify(result.ok ? { ok: true, output: result.output } : { ok: false, error: result.error })}\n`,
    );
    return result.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await runtime.close();
  }
}
