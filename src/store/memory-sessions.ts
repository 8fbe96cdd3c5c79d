import type { SavedSession, SessionStore } from './sessions.js';

/** Sessions in memory, for tests and front doors that keep no history (they vanish with the process). */
export class MemorySessionStore implements SessionStore {
  private readonly byId = new Map<string, SavedSession>();

  async save(session: SavedSession): Promise<void> {
    if (session.channel !== null)
      for (const [id, other] of this.byId)
        if (id !== session.id && other.channel === session.channel) this.byId.set(id, { ...other, channel: null });
    this.byId.set(session.id, structuredClone(session));
  }

  async load(id: string): Promise<SavedSession | null> {
    return this.copy(this.byId.get(id));
  }

  async findByIncident(incidentId: string): Promise<SavedSession | null> {
    return this.copy(this.latest((s) => s.incidentId === incidentId));
  }

  async findByChannel(channel: string): Promise<SavedSession | null> {
    return this.copy(this.latest((s) => s.channel === channel));
  }

  private latest(match: (s: SavedSession) => boolean): SavedSession | undefined {
    let best: SavedSession | undefined;
    for (const s of this.byId.values()) if (match(s) && (!best || s.updatedAt >= best.updatedAt)) best = s;
    return best;
  }

  private copy(session: SavedSession | undefined): SavedSession | null {
    return session ? structuredClone(session) : null;
  }
}
