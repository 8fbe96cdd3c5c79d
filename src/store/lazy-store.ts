import type { MessageStore } from './messages.js';
import type { SavedSession, SessionStore } from './sessions.js';
import type { IncidentStore } from './types.js';

/** The stores one backend opens together, and how to close them. */
export interface Stores {
  incidents: IncidentStore;
  sessions: SessionStore;
  messages: MessageStore;
  close(): Promise<void>;
}

type Method = Exclude<keyof IncidentStore, 'close'>;

/**
 * Opens the real stores on first use. A server that sits idle (most MCP servers, most of the time)
 * never loads SQLite, holds no file lock and creates no database until a tool needs one.
 * If opening fails, each call fails with that error until a later call succeeds.
 */
export function lazyStores(open: () => Promise<Stores>): Stores {
  let opening: Promise<Stores> | undefined;
  let closed = false;
  const get = (): Promise<Stores> => {
    if (closed) return Promise.reject(new Error('the incident store is closed'));
    opening ??= open().catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };
  const delegate =
    <M extends Method>(method: M) =>
    async (...args: Parameters<IncidentStore[M]>): Promise<Awaited<ReturnType<IncidentStore[M]>>> => {
      const { incidents } = await get();
      return (
        incidents[method] as (...a: Parameters<IncidentStore[M]>) => Promise<Awaited<ReturnType<IncidentStore[M]>>>
      )(...args);
    };
  const close = async (): Promise<void> => {
    closed = true;
    if (opening) await (await opening.catch(() => undefined))?.close();
  };
  const incidents: IncidentStore = {
    openIncident: delegate('openIncident'),
    getIncident: delegate('getIncident'),
    readRecord: delegate('readRecord'),
    incidentVersion: delegate('incidentVersion'),
    listIncidents: delegate('listIncidents'),
    updateIncident: delegate('updateIncident'),
    changeSeverity: delegate('changeSeverity'),
    severityHistory: delegate('severityHistory'),
    assignRoles: delegate('assignRoles'),
    listRoles: delegate('listRoles'),
    appendEvents: delegate('appendEvents'),
    listTimeline: delegate('listTimeline'),
    countTimeline: delegate('countTimeline'),
    recordUpdate: delegate('recordUpdate'),
    listUpdates: delegate('listUpdates'),
    createActionItem: delegate('createActionItem'),
    getActionItem: delegate('getActionItem'),
    listActionItems: delegate('listActionItems'),
    updateActionItem: delegate('updateActionItem'),
    startHypothesis: delegate('startHypothesis'),
    resolveHypothesis: delegate('resolveHypothesis'),
    getHypothesis: delegate('getHypothesis'),
    listHypotheses: delegate('listHypotheses'),
    putRef: delegate('putRef'),
    updateRef: delegate('updateRef'),
    findRef: delegate('findRef'),
    listRefs: delegate('listRefs'),
    claim: delegate('claim'),
    releaseClaim: delegate('releaseClaim'),
    forgetClaims: delegate('forgetClaims'),
    createDraft: delegate('createDraft'),
    getDraft: delegate('getDraft'),
    listDrafts: delegate('listDrafts'),
    editDraft: delegate('editDraft'),
    reviewDraft: delegate('reviewDraft'),
    markDraftPublished: delegate('markDraftPublished'),
    watch: delegate('watch'),
    close,
  };
  const sessions: SessionStore = {
    save: async (session: SavedSession) => (await get()).sessions.save(session),
    load: async (id: string) => (await get()).sessions.load(id),
    findByIncident: async (incidentId: string) => (await get()).sessions.findByIncident(incidentId),
    findByChannel: async (channel: string) => (await get()).sessions.findByChannel(channel),
  };
  const messages: MessageStore = {
    enqueue: async (message) => (await get()).messages.enqueue(message),
    claim: async (queue, options) => (await get()).messages.claim(queue, options),
    settle: async (seq, attempt, settlement) => (await get()).messages.settle(seq, attempt, settlement),
    listMessages: async (queue, filter) => (await get()).messages.listMessages(queue, filter),
    prune: async (queue, before) => (await get()).messages.prune(queue, before),
  };
  return { incidents, sessions, messages, close };
}
