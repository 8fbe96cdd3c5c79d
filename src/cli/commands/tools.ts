import { z } from 'zod';
import { createRegistry } from '../../../tools/index.js';
import { overridesFrom, parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { openCliRuntime } from '../open.js';

export async function list(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parseCommandArgs(
    argv,
    { json: { type: 'boolean' } },
    z.object({ json: z.boolean().optional() }),
    'incident-commander tools list [--json]',
  );
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

const USAGE = "incident-commander tools call NAME ['{json args}' | -] [--actor NAME]";

export async function call(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseCommandArgs(
    argv,
    { actor: { type: 'string' } },
    z.object({ actor: z.string().min(1).max(100).optional() }),
    USAGE,
  );
  const [name, raw] = positionals;
  if (!name) throw new UsageError('missing tool name', `Usage: ${USAGE}. See: incident-commander tools list`);
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
  const runtime = openCliRuntime(overridesFrom(flags), io);
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
