import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { isLoopbackHost } from './http-guard.js';

/**
 * Where a connection is in its life. `waiting`: connected, no request yet (or between keep-alive
 * requests); `receiving`: headers in, body still arriving; `busy`: a whole request is being
 * answered (a tool call, an SSE stream). Only busy connections are doing work for a client.
 */
type Phase = 'waiting' | 'receiving' | 'busy';

export interface ConnectionLimits {
  maxConnections: number;
  /** Per remote address, loopback excepted (every local client shares 127.0.0.1). */
  maxConnectionsPerAddress: number;
}

/**
 * Caps open connections without letting the ones that do nothing lock others out: when the
 * server is full, the connection that has waited or stalled longest is dropped to make room for
 * the newcomer (20,000 stalled uploads otherwise held every file descriptor). A newcomer is only
 * turned away when every open connection is busy being answered.
 */
export class ConnectionGuard {
  /** In order of their last change of phase, oldest first (re-inserted on every change). */
  private readonly sockets = new Map<Socket, { phase: Phase; address: string }>();
  private readonly perAddress = new Map<string, number>();
  private dropped = 0;

  constructor(private readonly limits: ConnectionLimits) {}

  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
  }

  get open(): number {
    return this.sockets.size;
  }

  /** Connections dropped to make room, or refused because every slot was busy. */
  get shed(): number {
    return this.dropped;
  }

  receiving(socket: Socket): void {
    this.move(socket, 'receiving');
  }

  busy(socket: Socket): void {
    this.move(socket, 'busy');
  }

  waiting(socket: Socket): void {
    this.move(socket, 'waiting');
  }

  private move(socket: Socket, phase: Phase): void {
    const entry = this.sockets.get(socket);
    if (!entry) return;
    this.sockets.delete(socket);
    entry.phase = phase;
    this.sockets.set(socket, entry);
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const local = isLoopbackHost(address) || address === '::ffff:127.0.0.1';
    const crowded =
      !local &&
      (this.perAddress.get(address) ?? 0) >= this.limits.maxConnectionsPerAddress &&
      !this.evict((_, e) => e.address === address);
    if (crowded || (this.sockets.size >= this.limits.maxConnections && !this.evict(() => true))) {
      this.dropped++;
      socket.destroy();
      return;
    }
    this.sockets.set(socket, { phase: 'waiting', address });
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    socket.once('close', () => {
      this.sockets.delete(socket);
      const n = (this.perAddress.get(address) ?? 1) - 1;
      if (n > 0) this.perAddress.set(address, n);
      else this.perAddress.delete(address);
    });
  }

  /** Drops the longest-idle connection that `match` picks and is not busy; false when there is none. */
  private evict(match: (socket: Socket, entry: { phase: Phase; address: string }) => boolean): boolean {
    for (const [socket, entry] of this.sockets) {
      if (entry.phase === 'busy' || !match(socket, entry)) continue;
      this.sockets.delete(socket);
      this.dropped++;
      socket.destroy();
      return true;
    }
    return false;
  }
}

/**
 * The connection cap when none is given: 1,024, or half of this process's open-file limit when
 * that is lower (the rest is for the store, logs and git), so a full server never meets EMFILE.
 */
export function defaultMaxConnections(fallback: number): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1]);
    if (Number.isFinite(soft) && soft > 0) return Math.max(8, Math.min(fallback, Math.floor(soft / 2)));
  } catch {
    // Not Linux: keep the fallback.
  }
  return fallback;
}
