import pg from 'pg';
import { ChangeHub } from '../change-hub.js';
import type { ChangeListener, IncidentChange, Unwatch } from '../types.js';

/** The channel every write NOTIFYs on (per database, so two deployments never hear each other). */
export const CHANGE_CHANNEL = 'incident_commander_changes';

export interface FeedOptions {
  /** First wait before reconnecting, doubled per failure up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** How often the idle listener proves its connection alive; a dead one is replaced. */
  heartbeatMs?: number;
  /** Told of each lost connection and failed reconnect (the store has no logger of its own). */
  onTrouble?: (what: string, error: unknown) => void;
}

/** A NOTIFY payload as the store writes it: {"i": incident id, "v": version, "s": newest seq}. */
export function parsePayload(payload: string | undefined): IncidentChange | null {
  if (!payload || payload.length > 1000) return null;
  try {
    const p = JSON.parse(payload) as { i?: unknown; v?: unknown; s?: unknown };
    if (typeof p.i !== 'string' || !Number.isSafeInteger(p.v) || !Number.isSafeInteger(p.s)) return null;
    return { incidentId: p.i, version: p.v as number, seq: p.s as number };
  } catch {
    return null;
  }
}

/**
 * Every committed write, from any instance on the database: one dedicated connection (never a
 * pooled one, which would drop the LISTEN when released) LISTENs on the change channel. When it
 * is lost it reconnects with backoff, LISTENs again and catches up by comparing each incident's
 * version with the last one reported, so a change made while it was away is reported once,
 * at its newest version.
 */
export class PgChangeFeed {
  private readonly hub = new ChangeHub();
  private client: pg.Client | null = null;
  private starting: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private retryMs: number;
  /** True from the first successful LISTEN: later losses are repaired in the background. */
  private on = false;
  private closed = false;
  /** Connections made so far: 1 once listening, more after reconnects (tests and health checks read it). */
  connections = 0;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly options: FeedOptions = {},
  ) {
    this.retryMs = options.retryMs ?? 50;
  }

  /** The server process of the listening connection, or null while reconnecting. */
  get backendPid(): number | null {
    return (this.client as (pg.Client & { processID?: number }) | null)?.processID ?? null;
  }

  async watch(listener: ChangeListener): Promise<Unwatch> {
    if (this.closed) throw new Error('the incident store is closed');
    const stop = this.hub.add(listener);
    try {
      await this.start();
    } catch (error) {
      stop();
      throw error;
    }
    return stop;
  }

  /** Listening from the first watch on; a first connection that fails fails that watch, and the next one tries again. */
  private start(): Promise<void> {
    if (this.on) return Promise.resolve();
    this.starting ??= this.listen(true).finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async listen(first: boolean): Promise<void> {
    const client = new pg.Client({
      ...this.config,
      application_name: 'incident-commander listen',
      // A heartbeat that gets no answer in this time means the connection is gone.
      query_timeout: 5_000,
    });
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL) return;
      const change = parsePayload(message.payload);
      if (change) this.hub.report(change);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      // Listening first, then reading: a write in between is both notified and read, and reported once.
      const rows = await client.query<{ id: string; version: number; last_seq: number }>(
        'SELECT id, version, last_seq FROM incidents',
      );
      if (this.closed) throw new Error('the incident store is closed');
      for (const row of rows.rows) {
        const change = { incidentId: row.id, version: row.version, seq: row.last_seq };
        if (first) this.hub.baseline(change.incidentId, change.version);
        else this.hub.report(change);
      }
    } catch (error) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    this.on = true;
    this.connections++;
    this.retryMs = this.options.retryMs ?? 50;
    this.heartbeat = setInterval(() => {
      client.query('SELECT 1').catch((error: unknown) => this.lost(client, error));
    }, this.options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  private lost(client: pg.Client, error: unknown): void {
    if (client !== this.client) return;
    this.client = null;
    clearInterval(this.heartbeat);
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.options.onTrouble?.('lost the LISTEN connection; reconnecting', error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const wait = this.retryMs * (0.75 + Math.random() / 2);
    this.retryMs = Math.min(this.retryMs * 2, this.options.maxRetryMs ?? 5_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.closed || this.client) return;
      this.listen(false).catch((error: unknown) => {
        this.options.onTrouble?.('reconnecting the LISTEN connection failed; trying again', error);
        this.scheduleReconnect();
      });
    }, wait);
    this.reconnectTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    await this.starting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
