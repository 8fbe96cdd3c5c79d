import { ConfigError } from '../../core/errors.js';
import { resolvePaths } from '../../config/paths.js';
import { loadSoul, soulWarnings } from '../../soul/load.js';
import { TOOL_NAMES } from '../../../tools/index.js';
import { overridesFrom } from '../args.js';
import { EXIT, type CliIO } from '../io.js';
import type { Parsed } from '../spec.js';
import type { SOUL_LINT } from './specs.js';

export async function run({ flags, positionals }: Parsed<(typeof SOUL_LINT)['flags']>, io: CliIO): Promise<number> {
  const path = positionals[0]
    ? resolvePaths({ soul: positionals[0] }, io.env, io.cwd).soul
    : resolvePaths(overridesFrom(flags), io.env, io.cwd).soul;
  try {
    const soul = loadSoul(path, TOOL_NAMES);
    const warnings = soulWarnings(soul);
    const s = soul.config.settings;
    if (flags.json) {
      io.stdout(`${JSON.stringify({ ok: true, file: path, hash: soul.hash, errors: [], warnings })}\n`);
    } else {
      io.stdout(
        `${path}: OK — ${soul.config.name}, model ${soul.config.model}, ${soul.config.tools.length} tools; time-box ${s.hypothesis_timebox_minutes} min, post-mortem within ${s.postmortem_deadline_hours} h, roles: ${s.roles.map((r) => r.title).join(', ')}\n`,
      );
      for (const w of warnings) io.stdout(`warning: ${w}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (flags.json) {
      io.stdout(`${JSON.stringify({ ok: false, file: path, errors: error.issues, warnings: [] })}\n`);
    } else {
      io.stderr(`${path}: ${error.issues.length} error(s)\n`);
      for (const issue of error.issues)
        io.stderr(`  ${issue.field ? `field "${issue.field}": ` : ''}${issue.problem}\n`);
      io.stderr(`${error.hint}\n`);
    }
    return EXIT.failed;
  }
}
