import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printable } from '../../core/control.js';
import { createLogger, logLevelFromEnv } from '../../core/logger.js';
import { formatClock } from '../../core/time.js';
import type { Reviewer } from '../../incident/status-drafts.js';
import type { Integrations } from '../../integrations/open.js';
import { openRuntime, type Runtime } from '../../runtime/runtime.js';
import type { StatusDraft } from '../../store/types.js';
import { overridesFrom } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { openCliRuntime } from '../open.js';
import type { Parsed } from '../spec.js';
import type { UPDATES_APPROVE, UPDATES_DISCARD, UPDATES_EDIT, UPDATES_LIST, UPDATES_SHOW } from './specs.js';

const DRAFT_ID = /^(?:sd-?)?(\d{1,9})$/i;

function draftId(raw: string | undefined, usage: string): string {
  const m = raw ? DRAFT_ID.exec(raw.trim()) : null;
  if (!m)
    throw new UsageError(
      raw ? `"${raw}" is not a draft id` : 'missing draft id',
      `Usage: ${usage}. See: incident-commander updates list`,
    );
  return `SD-${Number(m[1])}`;
}

/** The person at this terminal: the CLI is a person's front door. */
function person(flags: { as?: string | undefined }, io: CliIO): Reviewer {
  return { via: 'cli', by: flags.as ?? io.env['USER'] ?? 'cli' };
}

function summary(d: StatusDraft): string {
  const components = d.components.map((c) => `${c.name} ${c.status.replace(/_/g, ' ')}`).join(', ') || 'no components';
  return `${d.id.padEnd(6)} ${d.incidentId.padEnd(8)} ${d.state.padEnd(10)} r${d.revision} ${d.status}, impact ${d.impact}, ${components} — ${printable(d.title, 120)}`;
}

function render(d: StatusDraft): string {
  const lines = [
    `${d.id} for ${d.incidentId}: ${d.state}, revision ${d.revision} (drafted by ${d.createdBy} at ${formatClock(d.createdAt)})`,
    `Status: ${d.status}    Impact: ${d.impact}`,
    `Components: ${d.components.map((c) => `${c.name} → ${c.status}`).join(', ') || 'none'}`,
    `Title: ${printable(d.title)}`,
    '',
    printable(d.body),
    '',
  ];
  if (d.review)
    lines.push(
      `${d.review.decision} by ${d.review.by} (${d.review.via}) at ${formatClock(d.review.at)}, revision ${d.review.revision}`,
    );
  if (d.published)
    lines.push(
      `Published at ${formatClock(d.published.at)}: ${d.published.ref}${d.published.url ? ` ${d.published.url}` : ''}`,
    );
  if (d.state === 'pending')
    lines.push(`Approve it: incident-commander updates approve ${d.id} --revision ${d.revision}`);
  return `${lines.join('\n')}\n`;
}

export async function list({ flags }: Parsed<(typeof UPDATES_LIST)['flags']>, io: CliIO): Promise<number> {
  const runtime = openCliRuntime(overridesFrom(flags), io, { readOnly: true });
  try {
    const drafts = await runtime.store.listDrafts({
      ...(flags.incident ? { incidentId: flags.incident } : {}),
      ...(flags.all ? {} : { states: ['pending', 'approved'] }),
    });
    if (flags.json) io.stdout(`${JSON.stringify(drafts)}\n`);
    else if (!drafts.length)
      io.stdout(flags.all ? 'No customer drafts.\n' : 'No customer draft is waiting for a decision.\n');
    else for (const d of drafts) io.stdout(`${summary(d)}\n`);
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

export async function show(
  { flags, positionals, usage }: Parsed<(typeof UPDATES_SHOW)['flags']>,
  io: CliIO,
): Promise<number> {
  const id = draftId(positionals[0], usage);
  const runtime = openCliRuntime(overridesFrom(flags), io, { readOnly: true });
  try {
    const draft = await runtime.store.getDraft(id);
    if (!draft) throw new UsageError(`no draft ${id}`, 'See: incident-commander updates list --all');
    io.stdout(flags.json ? `${JSON.stringify(draft)}\n` : render(draft));
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

async function withIntegrations<T>(
  flags: Parameters<typeof overridesFrom>[0],
  io: CliIO,
  options: { dryRun?: boolean },
  fn: (runtime: Runtime, integrations: Integrations) => Promise<T>,
): Promise<T> {
  const { openIntegrations } = await import('../../integrations/open.js');
  const runtime = openRuntime({
    overrides: overridesFrom(flags),
    env: io.env,
    readOnly: true,
    logger: createLogger({ level: logLevelFromEnv(io.env, options.dryRun ? 'info' : 'warn') }),
  });
  try {
    const integrations = openIntegrations(runtime, {
      env: io.env,
      file: runtime.paths.integrations,
      ...(options.dryRun ? { dryRun: true } : {}),
    });
    return await fn(runtime, integrations);
  } finally {
    await runtime.close();
  }
}

export async function approve(
  { flags, positionals, usage }: Parsed<(typeof UPDATES_APPROVE)['flags']>,
  io: CliIO,
): Promise<number> {
  const id = draftId(positionals[0], usage);
  return withIntegrations(flags, io, { dryRun: flags['dry-run'] === true }, async (_runtime, integrations) => {
    const outcome = await integrations.approvals.approve({
      draftId: id,
      revision: flags.revision,
      reviewer: person(flags, io),
    });
    if (flags.json) io.stdout(`${JSON.stringify(outcome)}\n`);
    const d = outcome.draft;
    if (outcome.publication === 'dry_run') {
      io.stderr(
        integrations.settings.statuspage
          ? `Dry run: ${id} was not approved and nothing was sent; the request approval would send is logged above.\n`
          : `Dry run: ${id} was not approved; Statuspage is not configured here, so approving would only record the approval.\n`,
      );
      return EXIT.ok;
    }
    if (outcome.publication === 'published') {
      if (!flags.json)
        io.stdout(
          `Published ${d.id} to Statuspage${d.published?.url ? `: ${d.published.url}` : ''} — ${d.status}, impact ${d.impact}.\n`,
        );
      return EXIT.ok;
    }
    const unconfigured = !integrations.settings.statuspage;
    io.stderr(
      unconfigured
        ? `Approved ${d.id}. Statuspage is not configured in this process: \`incident-commander integrations serve\` with STATUSPAGE_API_TOKEN and STATUSPAGE_PAGE_ID publishes it.\n`
        : `Approved ${d.id}, not published yet: ${outcome.problem ?? 'still waiting'}. \`incident-commander integrations serve\` keeps retrying; \`integrations status\` shows where it stands.\n`,
    );
    return unconfigured ? EXIT.ok : EXIT.failed;
  });
}

function readBody(
  flags: { body?: string | undefined; 'body-file'?: string | undefined },
  io: CliIO,
): Promise<string | undefined> {
  if (flags.body && flags['body-file']) throw new UsageError('give --body or --body-file, not both', 'Pick one.');
  const file = flags['body-file'];
  if (!file) return Promise.resolve(flags.body);
  if (file === '-') return io.readStdin();
  try {
    return Promise.resolve(readFileSync(resolve(io.cwd, file), 'utf8'));
  } catch (error) {
    throw new UsageError(
      `--body-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      'Give a readable file.',
    );
  }
}

export async function edit(
  { flags, positionals, usage }: Parsed<(typeof UPDATES_EDIT)['flags']>,
  io: CliIO,
): Promise<number> {
  const id = draftId(positionals[0], usage);
  const body = await readBody(flags, io);
  const components = flags.component.map((c) => {
    const at = c.lastIndexOf('=');
    return { name: c.slice(0, at).trim(), status: c.slice(at + 1) };
  });
  return withIntegrations(flags, io, {}, async (_runtime, integrations) => {
    const draft = await integrations.approvals.edit({
      draftId: id,
      revision: flags.revision,
      reviewer: person(flags, io),
      changes: {
        ...(flags.title ? { title: flags.title } : {}),
        ...(body !== undefined ? { body } : {}),
        ...(flags.status ? { status: flags.status } : {}),
        ...(flags.impact ? { impact: flags.impact } : {}),
        ...(components.length ? { components } : {}),
      },
    });
    io.stdout(render(draft));
    return EXIT.ok;
  });
}

export async function discard(
  { flags, positionals, usage }: Parsed<(typeof UPDATES_DISCARD)['flags']>,
  io: CliIO,
): Promise<number> {
  const id = draftId(positionals[0], usage);
  return withIntegrations(flags, io, {}, async (_runtime, integrations) => {
    const draft = await integrations.approvals.discard({
      draftId: id,
      revision: flags.revision,
      reviewer: person(flags, io),
      ...(flags.reason ? { note: flags.reason } : {}),
    });
    io.stdout(`Discarded ${draft.id}; nothing was sent.\n`);
    return EXIT.ok;
  });
}
