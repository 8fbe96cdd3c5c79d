import { serviceHints, type ServiceCatalog } from '../config/services.js';
import type { ServiceHint } from '../severity/extract.js';
import type { SoulSettings } from '../soul/schema.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { Reading } from './intent.js';
import type { Turn } from './turn.js';

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

/** What the playbook does next: call tools (one response may hold several), or answer. */
export type Step = { kind: 'tools'; calls: ToolCall[] } | { kind: 'reply'; text: string };

export const call = (name: string, input: Record<string, unknown>): Step => ({
  kind: 'tools',
  calls: [{ name, input }],
});
export const reply = (text: string): Step => ({ kind: 'reply', text });

/** A configured service, as the playbook needs it. */
export interface KnownService extends ServiceHint {
  /** Has a git repo or deploy log, so fetch_deploys can look it up. */
  deploys: boolean;
  dependencies: readonly string[];
  displayName: string | null;
}

/** The configured services as the playbook sees them. */
export function knownServices(catalog: ServiceCatalog): KnownService[] {
  return serviceHints(catalog).map((hint) => {
    const s = catalog.services.get(hint.name)!;
    return {
      ...hint,
      deploys: s.repoPath !== null || s.deployLogPath !== null,
      dependencies: s.dependencies,
      displayName: s.display_name ?? null,
    };
  });
}

export interface PlaybookEnv {
  services: readonly KnownService[];
  settings: SoulSettings;
  severity: SeverityFramework;
  /** A runbooks folder is configured, so find_runbook is worth a call during an incident. */
  runbooks?: boolean;
  /** Tools the persona allows; the playbook never calls others. */
  allowed: ReadonlySet<string>;
}

export interface Play {
  id: string;
  /** Whether this play answers the message; the first play that applies wins. */
  applies(reading: Reading, turn: Turn): boolean;
  next(turn: Turn, reading: Reading, env: PlaybookEnv): Step;
}
