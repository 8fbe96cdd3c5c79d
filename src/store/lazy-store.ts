import type { IncidentStore } from './types.js';

type Method = Exclude<keyof IncidentStore, 'close'>;

/**
 * Opens the real store on first use. A server that sits idle (most MCP servers, most of the time)
 * never loads SQLite, holds no file lock and creates no database until a tool needs one.
 * If opening fails, each call fails with that error until a later call succeeds.
 */
export function lazyStore(open: () => Promise<IncidentStore>): IncidentStore {
  let opening: Promise<IncidentStore> | undefined;
  let closed = false;
  const get = (): Promise<IncidentStore> => {
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
      const store = await get();
      return (store[method] as (...a: Parameters<IncidentStore[M]>) => Promise<Awaited<ReturnType<IncidentStore[M]>>>)(
        ...args,
      );
    };
  return {
    openIncident: delegate('openIncident'),
    getIncident: delegate('getIncident'),
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
    saveSession: delegate('saveSession'),
    loadSession: delegate('loadSession'),
    findSessionForIncident: delegate('findSessionForIncident'),
    async close() {
      closed = true;
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}
