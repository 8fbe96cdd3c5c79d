import { serviceHints, type ServiceCatalog } from '../config/services.js';
import type { ServiceHint } from '../language/services.js';
import type { SoulSettings } from '../soul/schema.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { Heard } from './reading.js';
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
      deploys: s.repoPath !== null || s.deployLogPath !== null || s.changeEventLogPath !== null,
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
  applies(heard: Heard, turn: Turn): boolean;
  next(turn: Turn, heard: Heard, env: PlaybookEnv): Step;
}

/** A stable identity for a tool call, so a step never repeats a call this turn already made. */
export function callKey(c: ToolCall): string {
  return `${c.name}:${stable(c.input)}`;
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${k}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

/** The calls not yet made this turn, among those the persona allows. */
export function notMade(turn: Turn, env: PlaybookEnv, calls: readonly ToolCall[]): ToolCall[] {
  const made = new Set(turn.calls.map((c) => callKey(c)));
  return calls.filter((c) => env.allowed.has(c.name) && !made.has(callKey(c)));
}
