import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CommanderMcpServer } from './server.js';

export interface HttpSession {
  id: string;
  transport: StreamableHTTPServerTransport;
  mcp: CommanderMcpServer;
  /** Who opened it: remote address and declared client name. Quotas count per client. */
  client: string;
  lastSeen: number;
  /** HTTP requests of this session being answered now (an open SSE stream counts). */
  active: number;
}

export interface SessionLimits {
  maxSessions: number;
  maxSessionsPerClient: number;
  /** A full server closes a session to make room only if it has been idle this long. */
  evictIdleMs: number;
}

/** What to do about a client that wants one more session. */
export type Admission =
  | { kind: 'room' }
  | { kind: 'evict'; victim: HttpSession; why: 'client_quota' | 'server_full' }
  | { kind: 'refuse'; status: 429 | 503; message: string };

/**
 * The live sessions, least recently used first, with per-client quotas. One client (500
 * sessions in 2 s) once filled the global cap and locked everyone out for the 30-minute idle
 * expiry; now a client at its quota gives up its own least recently used session, and a full
 * server closes a session idle for `evictIdleMs` (of whichever client holds the most) before it
 * turns anyone away.
 */
export class SessionTable {
  private readonly byId = new Map<string, HttpSession>();
  private readonly perClient = new Map<string, number>();
  private readonly opening = new Map<string, number>();
  private openingTotal = 0;

  constructor(private readonly limits: SessionLimits) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: string): HttpSession | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<HttpSession> {
    return this.byId.values();
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** Marks a session used now: it moves to the back of the eviction order. */
  touch(session: HttpSession): void {
    session.lastSeen = Date.now();
    this.byId.delete(session.id);
    this.byId.set(session.id, session);
  }

  add(session: HttpSession): void {
    this.byId.set(session.id, session);
    this.perClient.set(session.client, (this.perClient.get(session.client) ?? 0) + 1);
  }

  remove(id: string): HttpSession | undefined {
    const session = this.byId.get(id);
    if (!session) return undefined;
    this.byId.delete(id);
    const n = (this.perClient.get(session.client) ?? 1) - 1;
    if (n > 0) this.perClient.set(session.client, n);
    else this.perClient.delete(session.client);
    return session;
  }

  /** A session being initialized holds its slot until it is added or given up (`opened`). */
  opens(client: string): void {
    this.openingTotal++;
    this.opening.set(client, (this.opening.get(client) ?? 0) + 1);
  }

  opened(client: string): void {
    this.openingTotal--;
    const n = (this.opening.get(client) ?? 1) - 1;
    if (n > 0) this.opening.set(client, n);
    else this.opening.delete(client);
  }

  admit(client: string): Admission {
    const mine = (this.perClient.get(client) ?? 0) + (this.opening.get(client) ?? 0);
    if (mine >= this.limits.maxSessionsPerClient) {
      const victim = this.oldestIdle((s) => s.client === client);
      return victim
        ? { kind: 'evict', victim, why: 'client_quota' }
        : {
            kind: 'refuse',
            status: 429,
            message: `this client already has ${this.limits.maxSessionsPerClient} sessions in use; reuse one, or end one with DELETE`,
          };
    }
    if (this.byId.size + this.openingTotal < this.limits.maxSessions) return { kind: 'room' };
    const cutoff = Date.now() - this.limits.evictIdleMs;
    const stale = (s: HttpSession): boolean => s.lastSeen <= cutoff;
    const most = Math.max(0, ...this.perClient.values());
    const victim = this.oldestIdle((s) => stale(s) && this.perClient.get(s.client) === most) ?? this.oldestIdle(stale);
    return victim
      ? { kind: 'evict', victim, why: 'server_full' }
      : {
          kind: 'refuse',
          status: 503,
          message: `too many sessions (${this.limits.maxSessions}), all busy; retry later or raise --max-sessions`,
        };
  }

  private oldestIdle(match: (s: HttpSession) => boolean): HttpSession | undefined {
    for (const s of this.byId.values()) if (s.active === 0 && s.mcp.inFlight() === 0 && match(s)) return s;
    return undefined;
  }
}
