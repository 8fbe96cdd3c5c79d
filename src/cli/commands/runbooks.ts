import { resolvePaths } from '../../config/paths.js';
import { loadServices } from '../../config/services.js';
import { loadRunbooks } from '../../runbooks/catalog.js';
import { lintRunbooks, QUARTER_DAYS } from '../../runbooks/lint.js';
import { overridesFrom } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import type { Parsed } from '../spec.js';
import type { RUNBOOKS_LINT } from './specs.js';

/** Exit 0 when every runbook is fresh and every paging alert has one; 1 when anything needs doing. */
export async function run(
  { flags, positionals, usage }: Parsed<(typeof RUNBOOKS_LINT)['flags']>,
  io: CliIO,
): Promise<number> {
  const paths = resolvePaths(
    { ...overridesFrom(flags), ...(positionals[0] ? { runbooks: positionals[0] } : {}) },
    io.env,
    io.cwd,
  );
  if (!paths.runbooks)
    throw new UsageError(
      'no runbooks folder: pass DIR, --runbooks DIR, or set INCIDENT_COMMANDER_RUNBOOKS',
      `Usage: ${usage}`,
    );
  const catalog = loadRunbooks(paths.runbooks);
  const services = loadServices(paths.services);
  const report = lintRunbooks(catalog, services, new Date());
  const problems =
    report.stale.length + report.uncovered.length + report.unknownServices.length + report.invalid.length;
  if (flags.json) {
    io.stdout(
      `${JSON.stringify({ ok: problems === 0, dir: paths.runbooks, services: paths.services, runbooks: catalog.runbooks.length, ...report })}\n`,
    );
    return problems ? EXIT.failed : EXIT.ok;
  }
  const lines = [
    `${paths.runbooks}: ${catalog.runbooks.length} runbook(s)${paths.services ? `, paging alerts from ${paths.services}` : ' (no services config: alert coverage not checked)'}`,
  ];
  if (report.invalid.length)
    lines.push('', `Invalid (${report.invalid.length}):`, ...report.invalid.map((i) => `  ${i.message}`));
  if (report.stale.length) {
    lines.push('', `Not tested within a quarter (${QUARTER_DAYS} days) (${report.stale.length}):`);
    lines.push(
      ...report.stale.map(
        (s) =>
          `  ${s.file} "${s.title}" — owner ${s.owner}, ${s.lastTested ? `last tested ${s.lastTested.slice(0, 10)} (${s.daysSinceTest} days ago)` : 'never tested'}`,
      ),
    );
  }
  if (report.uncovered.length)
    lines.push(
      '',
      `Paging alerts without a runbook (${report.uncovered.length}):`,
      ...report.uncovered.map((u) => `  ${u.service}: ${u.alert}`),
    );
  if (report.unknownServices.length)
    lines.push(
      '',
      `Runbooks for services not in the services config (${report.unknownServices.length}):`,
      ...report.unknownServices.map((u) => `  ${u.file}: ${u.service}`),
    );
  lines.push(
    '',
    problems
      ? `${problems} problem(s). Test stale runbooks in a game day; write a runbook for each paging alert, or stop it paging.`
      : 'OK: every runbook tested within a quarter, every paging alert has a runbook.',
  );
  io.stdout(`${lines.join('\n')}\n`);
  return problems ? EXIT.failed : EXIT.ok;
}
