import { ConfigError } from '../../core/errors.js';
import { resolvePaths } from '../../config/paths.js';
import { loadFramework } from '../../severity/framework.js';
import { overridesFrom } from '../args.js';
import { EXIT, type CliIO } from '../io.js';
import type { Parsed } from '../spec.js';
import type { SEVERITY_LINT, SEVERITY_SHOW } from './specs.js';

export async function lint(
  { flags, positionals }: Parsed<(typeof SEVERITY_LINT)['flags']>,
  io: CliIO,
): Promise<number> {
  const path = resolvePaths(
    { ...overridesFrom(flags), ...(positionals[0] ? { severity: positionals[0] } : {}) },
    io.env,
    io.cwd,
  ).severity;
  try {
    const fw = loadFramework(path);
    if (flags.json) io.stdout(`${JSON.stringify({ ok: true, file: path, errors: [] })}\n`);
    else
      io.stdout(
        `${path}: OK — ${fw.levels.map((l) => `${l.id} ${l.name} (${l.criteria.length} criteria)`).join(', ')}\n`,
      );
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (flags.json) io.stdout(`${JSON.stringify({ ok: false, file: path, errors: error.issues })}\n`);
    else {
      io.stderr(`${path}: ${error.issues.length} error(s)\n`);
      for (const issue of error.issues)
        io.stderr(`  ${issue.field ? `field "${issue.field}": ` : ''}${issue.problem}\n`);
    }
    return EXIT.failed;
  }
}

export async function show({ flags }: Parsed<(typeof SEVERITY_SHOW)['flags']>, io: CliIO): Promise<number> {
  const path = resolvePaths(overridesFrom(flags), io.env, io.cwd).severity;
  const fw = loadFramework(path);
  if (flags.json) {
    io.stdout(`${JSON.stringify(fw)}\n`);
    return EXIT.ok;
  }
  const lines = [`Severity framework: ${path} (when unsure: ${fw.when_unsure})`, ''];
  for (const l of fw.levels) {
    const c = l.cadence_minutes;
    lines.push(`${l.id} — ${l.name}${l.default ? ' (default)' : ''}`);
    lines.push(`  ${l.definition}`);
    for (const k of l.criteria) lines.push(`  • ${k.id}: ${k.description}`);
    lines.push(
      `  pages: ${l.escalation.pages ? l.escalation.page.join(', ') : 'no'}; notify: ${l.escalation.notify.join(', ') || '—'}`,
    );
    for (const t of l.escalation.triggers) lines.push(`  after ${t.after_minutes} min: ${t.action}`);
    lines.push(
      `  updates every: engineering ${c.engineering ?? '—'} min, executive ${c.executive ?? '—'} min, customer ${c.customer ?? '—'} min; post-mortem ${l.postmortem_required ? 'required' : 'optional'}`,
    );
    lines.push('');
  }
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
