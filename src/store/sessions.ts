import type { IsoTime } from './types.js';

/** A conversation as stored: opaque JSON to the store; the agent validates it on load. */
export interface SavedSession {
  id: string;
  /** The incident the conversation works on, once it has one. */
  incidentId: string | null;
  /** The channel the conversation belongs to (a Slack channel or thread, say); null for a terminal or one-shot. */
  channel: string | null;
  data: unknown;
  createdAt: IsoTime;
  updatedAt: IsoTime;
}

/**
 * Conversations with the commander, kept apart from the incident record. Contract (checked by
 * the shared contract suite):
 * - `save` inserts or replaces a session by id, as one write;
 * - a channel names at most one session: saving a session with a channel takes the channel from
 *   whichever session held it before;
 * - reads reflect every save acknowledged before them, including saves from other processes.
 */
export interface SessionStore {
  save(session: SavedSession): Promise<void>;
  load(id: string): Promise<SavedSession | null>;
  /** The most recently updated session attached to an incident. */
  findByIncident(incidentId: string): Promise<SavedSession | null>;
  /** The session that holds a channel. */
  findByChannel(channel: string): Promise<SavedSession | null>;
}
