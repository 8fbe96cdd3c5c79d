import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake received, as it arrived. */
export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  at: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Route = (request: Received, params: string[]) => Reply;

/**
 * A fake of another system's HTTP API on 127.0.0.1 (port 0): routes by method and path pattern,
 * every request recorded, and replies that can be scripted ahead of the routes (a 429 with
 * Retry-After, two 503s, a refusal) to test what the client does with them.
 */
export class FakeHttp {
  readonly received: Received[] = [];
  private readonly routes: { method: string; pattern: RegExp; route: Route }[] = [];
  private readonly scripted: { method: string; pattern: RegExp; replies: Reply[] }[] = [];
  private server: Server | null = null;
  url = '';

  route(method: string, pattern: RegExp, route: Route): this {
    this.routes.push({ method, pattern, route });
    return this;
  }

  /** The next requests matching method and path get these replies, in order, before the route answers again. */
  script(method: string, pattern: RegExp, ...replies: Reply[]): void {
    this.scripted.push({ method, pattern, replies });
  }

  requests(method?: string, pattern?: RegExp): Received[] {
    return this.received.filter((r) => (!method || r.method === method) && (!pattern || pattern.test(r.path)));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = text;
        }
        const received: Received = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
          at: Date.now(),
        };
        this.received.push(received);
        const send = (reply: Reply): void => {
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
        };
        const script = this.scripted.find(
          (s) => s.replies.length && s.method === received.method && s.pattern.test(received.path),
        );
        if (script) return send(script.replies.shift()!);
        for (const r of this.routes) {
          const m = r.method === received.method ? r.pattern.exec(received.path) : null;
          if (m) return send(r.route(received, m.slice(1)));
        }
        send({ status: 404, body: { error: `fake has no route for ${received.method} ${received.path}` } });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }
}
