import { resolve } from 'node:path';
import { ConfigError, InputError } from '../../core/errors.js';
import {
  ALERT_WINDOWS,
  checkBudget,
  decisionFields,
  formatNumber,
  formatPercent,
  type BudgetCheck,
  type ErrorRatios,
} from '../../slo/budget.js';
import { loadOpenSlo, requireOccurrences, type OpenSlo } from '../../slo/openslo.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { type Parsed, usageLine } from '../spec.js';
import { SLO_CHECK } from './specs.js';

function pick(
  slos: readonly OpenSlo[],
  name: string | undefined,
  objective: string | undefined,
  file: string,
): OpenSlo {
  const names = [...new Set(slos.map((s) => s.name))];
  if (name === undefined && names.length > 1)
    throw new UsageError(
      `${file} has ${names.length} SLOs; choose one with --name`,
      `SLOs in the file: ${names.join(', ')}. Usage: ${usageLine(SLO_CHECK)}`,
    );
  const chosenName = name ?? names[0]!;
  const candidates = slos.filter((s) => s.name === chosenName);
  if (!candidates.length)
    throw new UsageError(`--name: no SLO named "${chosenName}" in ${file}`, `SLOs in the file: ${names.join(', ')}.`);
  const labels = candidates.map((s) => s.objective ?? `#${s.objectiveIndex}`);
  if (objective !== undefined) {
    const found = candidates.find((s) => s.objective === objective || `#${s.objectiveIndex}` === objective);
    if (!found)
      throw new UsageError(
        `--objective: SLO "${chosenName}" has no objective "${objective}"`,
        `Its objectives: ${labels.join(', ')}.`,
      );
    return found;
  }
  if (candidates.length > 1)
    throw new UsageError(
      `SLO "${chosenName}" has ${candidates.length} objectives; choose one with --objective`,
      `Its objectives: ${labels.join(', ')}.`,
    );
  return candidates[0]!;
}

function text(slo: OpenSlo, file: string, report: BudgetCheck): string {
  const lines: string[] = [];
  const window = `${slo.isRolling ? 'rolling' : 'calendar'} ${formatNumber(slo.windowDays)}-day window`;
  lines.push(
    `SLO ${slo.name}${slo.objective ? ` / ${slo.objective}` : ''} (service ${slo.service}, ${file}): ${formatPercent(slo.target)} over a ${window}, ${slo.budgetingMethod}`,
  );
  const b = report.budget;
  if (b) {
    lines.push(
      `Error budget: ${formatPercent(report.errorBudgetFraction)} of events = ${formatNumber(b.allowedBadEvents)} bad events allowed`,
    );
    lines.push(
      `Consumed: ${formatNumber(b.badEvents)} bad events = ${formatPercent(b.consumedFraction)} of the budget; ${b.exhausted ? 'EXHAUSTED' : `${formatPercent(b.remainingFraction)} remains`}`,
    );
  }
  lines.push(
    `Burn rates: ${report.alerts.burnRates.map((r) => `${r.window} ${r.burnRate === null ? 'unknown' : formatNumber(r.burnRate)}`).join(', ')}`,
  );
  for (const r of report.alerts.rules)
    lines.push(
      `  ${r.name.padEnd(13)} threshold ${formatNumber(r.threshold).padEnd(6)} ${r.status.replace('_', ' ').padEnd(14)} ${r.explanation}`,
    );
  lines.push(`Decision: ${report.alerts.decision.toUpperCase()} — ${report.alerts.reason}`);
  lines.push(`Release freeze: ${report.policy.releaseFreezeReason}`);
  lines.push(`Post-mortem: ${report.policy.postmortemReason}`);
  return `${lines.join('\n')}\n`;
}

/** `slo check`: the error budget and the burn-rate decision of one SLO from an OpenSLO file. */
export async function run(
  { flags, positionals, usage }: Parsed<(typeof SLO_CHECK)['flags']>,
  io: CliIO,
): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`, `Usage: ${usage}`);
  if (flags.good > flags.total)
    throw new UsageError(
      `--good (${flags.good}) is more than --total (${flags.total})`,
      '--good counts the successful events among --total, over the whole SLO window.',
    );
  const file = resolve(io.cwd, flags.file);
  const errorRatios: ErrorRatios = {};
  for (const window of ALERT_WINDOWS) {
    const value = flags[`ratio-${window}`];
    if (value !== undefined) errorRatios[window] = value;
  }
  let slo: OpenSlo;
  let report: BudgetCheck;
  try {
    slo = requireOccurrences(pick(loadOpenSlo(file), flags.name, flags.objective, flags.file), file);
    report = checkBudget({
      target: slo.target,
      windowDays: slo.windowDays,
      good: flags.good,
      total: flags.total,
      errorRatios,
      incidentBadEvents: flags['incident-bad'],
    });
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(error.message, `Usage: ${usage}`);
    if (!(error instanceof ConfigError)) throw error;
    if (flags.json) io.stdout(`${JSON.stringify({ ok: false, file, errors: error.issues })}\n`);
    else {
      io.stderr(`${file}: ${error.issues.length} error(s)\n`);
      for (const issue of error.issues)
        io.stderr(`  ${issue.field ? `field "${issue.field}": ` : ''}${issue.problem}\n`);
      io.stderr(`${error.hint}\n`);
    }
    return EXIT.failed;
  }
  if (flags.json) {
    io.stdout(
      `${JSON.stringify({
        ok: true,
        file,
        slo,
        budget: report.budget,
        burnRates: report.alerts.burnRates,
        ...decisionFields(report),
      })}\n`,
    );
  } else {
    io.stdout(text(slo, flags.file, report));
  }
  return EXIT.ok;
}
