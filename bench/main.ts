/**
 * `npm run bench`: prints measured figures and ratios against a reference run in the same process.
 * Sections: cli (cold start vs bare node), postmortem (10,000-event draft vs reading the timeline), mcp (server vs server-everything), webhooks (PagerDuty deliveries answered under load vs a bare node:http 202). Options: --only SECTION, --calls N, --json FILE.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { benchCli } from './cli.js';
import { benchMcp } from './mcp.js';
import { benchPostmortem } from './postmortem.js';
import { benchWebhooks } from './webhooks.js';

const Flags = z.object({
  only: z.enum(['mcp', 'cli', 'postmortem', 'webhooks']).optional(),
  calls: z.coerce.number().int().min(100).max(100_000).default(1000),
  concurrency: z.coerce.number().int().min(1).max(256).default(16),
  'cold-runs': z.coerce.number().int().min(1).max(100).default(11),
  rounds: z.coerce.number().int().min(1).max(20).default(4),
  json: z.string().optional(),
});

// undici (under the SDK's HTTP client) adds an abort listener to the transport's one AbortSignal per
// request and drops it only when the Request is garbage-collected; with 16 concurrent callers that
// passes its 1,500 threshold and prints a warning per request. It is the harness's client, not a
// server under test: those warnings are dropped, every other warning still prints.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (
    warning.name === 'MaxListenersExceededWarning' &&
    /abort listeners added to \[AbortSignal\]/.test(warning.message)
  )
    return;
  process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    calls: { type: 'string' },
    concurrency: { type: 'string' },
    'cold-runs': { type: 'string' },
    rounds: { type: 'string' },
    json: { type: 'string' },
  },
});
const parsed = Flags.safeParse(values);
if (!parsed.success) {
  process.stderr.write(`bench: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}\n`);
  process.exit(2);
}
const flags = parsed.data;
const sections: Record<string, unknown> = {};
const out: string[] = [`# incident-commander benchmark (${new Date().toISOString()}, node ${process.version})`, ''];

if (!flags.only || flags.only === 'cli') {
  const cli = benchCli(flags['cold-runs']);
  out.push('## CLI', '', cli.markdown, '');
  sections['cli'] = cli.data;
}

if (!flags.only || flags.only === 'postmortem') {
  const pm = await benchPostmortem(10_000, 7);
  out.push('## Post-mortem', '', pm.markdown, '');
  sections['postmortem'] = pm.data;
}

if (!flags.only || flags.only === 'mcp') {
  const mcp = await benchMcp({
    calls: flags.calls,
    concurrency: flags.concurrency,
    coldRuns: flags['cold-runs'],
    rounds: flags.rounds,
  });
  out.push('## MCP server', '', mcp.markdown, '');
  sections['mcp'] = mcp.data;
}

if (!flags.only || flags.only === 'webhooks') {
  const wh = await benchWebhooks();
  out.push('## PagerDuty webhooks', '', wh.markdown, '');
  sections['webhooks'] = wh.data;
}

process.stdout.write(`${out.join('\n')}\n`);
if (flags.json) writeFileSync(flags.json, JSON.stringify(sections, null, 2));
