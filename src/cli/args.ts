import type { PathOverrides } from '../config/paths.js';
import type { FlagValues, GlobalFlags } from './spec.js';

/** Where config and state live, from the global options. */
export function overridesFrom(flags: Pick<FlagValues<GlobalFlags>, keyof PathOverrides & keyof GlobalFlags>) {
  return {
    soul: flags.soul,
    severity: flags.severity,
    services: flags.services,
    roster: flags.roster,
    runbooks: flags.runbooks,
    home: flags.home,
    db: flags.db,
    integrations: flags.integrations,
  };
}
