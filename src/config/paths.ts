import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { packageRoot } from './package-root.js';

/** Where every file the commander reads or writes lives, after flags, env and defaults are applied. */
export interface Paths {
  home: string;
  /** Where the incident record lives: a SQLite file path, or a URL naming another database. */
  store: string;
  soul: string;
  severity: string;
  /** Null when no services config exists: fetch_deploys then knows no service. */
  services: string | null;
  roster: string | null;
  /** A folder of markdown runbooks; null when none is configured. */
  runbooks: string | null;
  /** A folder of game-day scenarios (YAML); the shipped ones by default. */
  gamedays: string;
  prompts: string;
  /** The integrations file (PagerDuty, Statuspage, Opsgenie); null when none exists (the environment may still configure them). */
  integrations: string | null;
}

export interface PathOverrides {
  home?: string | undefined;
  db?: string | undefined;
  soul?: string | undefined;
  severity?: string | undefined;
  services?: string | undefined;
  roster?: string | undefined;
  runbooks?: string | undefined;
  gamedays?: string | undefined;
  integrations?: string | undefined;
}

/**
 * Flag, then environment variable, then a file in INCIDENT_COMMANDER_HOME, then the copy shipped
 * with the package. `env` is a parameter so tests never touch process.env.
 */
export function resolvePaths(
  overrides: PathOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Paths {
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  // A URL (postgres://…, file://…) or :memory: is a location, not a path relative to cwd.
  const location = (p: string): string => (/^[a-z][a-z0-9+.-]*:\/\//i.test(p) || p === ':memory:' ? p : abs(p));
  const home = abs(overrides.home ?? env['INCIDENT_COMMANDER_HOME'] ?? join(homedir(), '.incident-commander'));
  const root = packageRoot();
  const pick = (flag: string | undefined, envName: string, homeFile: string, shipped: string | null): string | null => {
    if (flag) return abs(flag);
    const fromEnv = env[envName];
    if (fromEnv) return abs(fromEnv);
    const inHome = join(home, homeFile);
    if (existsSync(inHome)) return inHome;
    return shipped;
  };
  return {
    home,
    store: overrides.db
      ? location(overrides.db)
      : env['INCIDENT_COMMANDER_DB']
        ? location(env['INCIDENT_COMMANDER_DB'])
        : join(home, 'state.db'),
    soul: pick(overrides.soul, 'INCIDENT_COMMANDER_SOUL', 'SOUL.md', join(root, 'SOUL.md'))!,
    severity: pick(
      overrides.severity,
      'INCIDENT_COMMANDER_SEVERITY',
      'severity.yaml',
      join(root, 'config', 'severity.yaml'),
    )!,
    services: pick(overrides.services, 'INCIDENT_COMMANDER_SERVICES', 'services.yaml', null),
    roster: pick(overrides.roster, 'INCIDENT_COMMANDER_ROSTER', 'roster.yaml', null),
    runbooks: pick(overrides.runbooks, 'INCIDENT_COMMANDER_RUNBOOKS', 'runbooks', null),
    gamedays: pick(overrides.gamedays, 'INCIDENT_COMMANDER_GAMEDAYS', 'gamedays', join(root, 'config', 'gamedays'))!,
    prompts: join(root, 'prompts'),
    integrations: pick(overrides.integrations, 'INCIDENT_COMMANDER_INTEGRATIONS', 'integrations.yaml', null),
  };
}
