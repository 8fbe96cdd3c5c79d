import type { ChangeListener, IncidentChange, Unwatch } from './types.js';

/**
 * The fan-out behind every store's `watch`: listeners, and the newest version reported per incident,
 * so a version is reported at most once and never after a newer one (a NOTIFY echoing a change the
 * catch-up already reported, a poll that sees what a local write reported).
 */
export class ChangeHub {
  private readonly listeners = new Set<ChangeListener>();
  private readonly reported = new Map<string, number>();

  get watching(): boolean {
    return this.listeners.size > 0;
  }

  add(listener: ChangeListener): Unwatch {
    // Each watch is its own entry, even for the same function, and stops only itself.
    const entry: ChangeListener = (change) => listener(change);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  /** The version last reported for an incident (undefined when none has been). */
  versionOf(incidentId: string): number | undefined {
    return this.reported.get(incidentId);
  }

  /** Records where an incident stands without reporting it: the state a feed starts from. */
  baseline(incidentId: string, version: number): void {
    if ((this.reported.get(incidentId) ?? -1) < version) this.reported.set(incidentId, version);
  }

  /** Reports a change unless this version (or a newer one) of the incident was reported already. */
  report(change: IncidentChange): boolean {
    if ((this.reported.get(change.incidentId) ?? -1) >= change.version) return false;
    this.reported.set(change.incidentId, change.version);
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A listener's failure is its own (see IncidentStore.watch): the others still hear of the change.
      }
    }
    return true;
  }
}
