import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * A fake Slack on 127.0.0.1 for the real Bolt client: the Web API methods the app calls (answering
 * like Slack, refusing blocks over Slack's limits), scripted failures (ratelimited with
 * Retry-After, name_taken, channel_not_found, not_in_channel, msg_blocks_too_long), response_url
 * endpoints, and a Socket Mode server that apps.connections.open points at, which says hello and
 * delivers envelopes, and records every acknowledgement.
 */

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  token: string | null;
  /** The answer's error code, or null when the call succeeded. */
  error: string | null;
}

export interface Ack {
  envelope_id: string;
  payload?: unknown;
}

export interface Failure {
  error: string;
  /** HTTP 429 with this Retry-After (seconds), as Slack rate-limits. */
  retryAfter?: number;
  /** Only calls this matches (default: the next call of the method). */
  when?: (args: Record<string, unknown>) => boolean;
  /** How many matching calls fail (default 1). */
  times?: number;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  user: string;
  thread_ts?: string;
  pinned: boolean;
}

const BOT_USER = 'UBOT0001';
const BOT_ID = 'BBOT0001';

/** Slack's documented limits, checked here apart from the app's own code: a message over them is refused. */
export function blocksProblem(blocks: unknown): string | null {
  if (!Array.isArray(blocks)) return null;
  if (blocks.length > 50) return 'more than 50 blocks';
  for (const b of blocks as {
    type?: string;
    text?: { text?: string };
    fields?: { text?: string }[];
    elements?: unknown[];
  }[]) {
    if (b.type === 'header' && (b.text?.text?.length ?? 0) > 150) return 'header text over 150';
    if (b.type === 'section') {
      if ((b.text?.text?.length ?? 0) > 3000) return 'section text over 3000';
      if ((b.fields?.length ?? 0) > 10) return 'more than 10 fields';
      if (b.fields?.some((f) => (f.text?.length ?? 0) > 2000)) return 'field text over 2000';
    }
    if (b.type === 'actions' && (b.elements?.length ?? 0) > 25) return 'more than 25 elements';
    if (b.type === 'context' && (b.elements?.length ?? 0) > 10) return 'more than 10 context elements';
  }
  return null;
}

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly acks: Ack[] = [];
  readonly messages: StoredMessage[] = [];
  readonly responses: { path: string; body: Record<string, unknown> }[] = [];
  readonly channels = new Map<string, { name: string; topic: string; members: Set<string> }>();
  readonly users = new Map<string, { name: string; real_name: string; display_name: string; is_bot?: boolean }>();
  /** Names taken before the app asked (an archived channel of an old incident). */
  readonly takenNames = new Set<string>();
  private readonly failures = new Map<string, Failure[]>();
  private readonly sockets = new Set<WebSocket>();
  private readonly pending = new Map<string, (ack: Ack) => void>();
  private readonly waiters: (() => void)[] = [];
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private channelCounter = 0;
  private tsCounter = 0;
  /** The first second of the fake's message timestamps; set it to a simulated clock's time. */
  tsBase = 1_764_165_600;
  port = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  get botUserId(): string {
    return BOT_USER;
  }

  /** Connected Socket Mode clients. */
  get connections(): number {
    return [...this.sockets].filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/link')) return socket.destroy();
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next matching call(s) of `method` fail as given. */
  fail(method: string, failure: Failure): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), { times: 1, ...failure }]);
  }

  addUser(id: string, name: string, realName = name): void {
    this.users.set(id, { name: name.toLowerCase(), real_name: realName, display_name: name });
  }

  /** A message someone wrote (so conversations.history can find it). */
  addMessage(channel: string, user: string, text: string, threadTs?: string): StoredMessage {
    const message: StoredMessage = {
      channel,
      ts: this.nextTs(),
      text,
      blocks: [],
      user,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      pinned: false,
    };
    this.messages.push(message);
    return message;
  }

  nextTs(): string {
    this.tsCounter++;
    return `${this.tsBase + this.tsCounter}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method && c.error === null);
  }

  /** Posts (successful chat.postMessage calls) to a channel, oldest first. */
  posts(channel?: string): ApiCall[] {
    return this.callsOf('chat.postMessage').filter((c) => !channel || c.args['channel'] === channel);
  }

  /** Resolves when `check` holds, re-checked after every call and ack; fails after `timeoutMs`. */
  async until<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 8000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`fake Slack: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /**
   * Delivers one envelope over Socket Mode and resolves with its acknowledgement. `to` picks the
   * connection (default: the first open one); the same envelope id may be sent to several.
   */
  deliver(
    type: 'events_api' | 'slash_commands' | 'interactive',
    payload: Record<string, unknown>,
    options: { to?: number; envelopeId?: string; retryAttempt?: number } = {},
  ): Promise<Ack> {
    const open = [...this.sockets].filter((s) => s.readyState === WebSocket.OPEN);
    const ws = open[options.to ?? 0];
    if (!ws) return Promise.reject(new Error('fake Slack: no Socket Mode connection'));
    const envelope_id = options.envelopeId ?? randomUUID();
    const key = `${envelope_id}#${open.indexOf(ws)}`;
    const acked = new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`fake Slack: envelope ${envelope_id} not acknowledged in 3 s`)),
        3000,
      );
      this.pending.set(key, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
    ws.send(
      JSON.stringify({
        envelope_id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        retry_attempt: options.retryAttempt ?? 0,
        retry_reason: options.retryAttempt ? 'timeout' : '',
      }),
    );
    return acked;
  }

  private accept(ws: WebSocket): void {
    this.sockets.add(ws);
    const index = () => [...this.sockets].filter((s) => s.readyState === WebSocket.OPEN).indexOf(ws);
    ws.on('message', (data) => {
      let ack: Ack;
      try {
        ack = JSON.parse(String(data)) as Ack;
      } catch {
        return;
      }
      this.acks.push(ack);
      const key = `${ack.envelope_id}#${index()}`;
      this.pending.get(key)?.(ack);
      this.pending.delete(key);
      this.wake();
    });
    ws.on('close', () => this.sockets.delete(ws));
    const ping = setInterval(() => ws.readyState === WebSocket.OPEN && ws.ping(), 2000);
    ws.on('close', () => clearInterval(ping));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'fake-slack', approximate_connection_time: 3600 },
        connection_info: { app_id: 'AFAKE0001' },
      }),
    );
    this.wake();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '';
    if (url.startsWith('/response/')) {
      this.responses.push({ path: url, body: JSON.parse(raw || '{}') as Record<string, unknown> });
      this.wake();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    const method = url.replace(/^\/api\//, '').split('?')[0]!;
    const args = parseArgs(String(req.headers['content-type'] ?? ''), raw);
    const auth = String(req.headers['authorization'] ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof args['token'] === 'string' ? args['token'] : null;
    const answer = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void => {
      this.calls.push({ method, args, token, error: body['ok'] ? null : String(body['error']) });
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      this.wake();
    };
    const failure = this.takeFailure(method, args);
    if (failure) {
      if (failure.retryAfter !== undefined)
        return answer(429, { ok: false, error: failure.error }, { 'retry-after': String(failure.retryAfter) });
      return answer(200, { ok: false, error: failure.error });
    }
    const wanted = method === 'apps.connections.open' ? 'xapp-' : 'xoxb-';
    if (!token?.startsWith(wanted)) return answer(200, { ok: false, error: 'invalid_auth' });
    answer(200, this.respond(method, args));
  }

  private takeFailure(method: string, args: Record<string, unknown>): Failure | null {
    const list = this.failures.get(method) ?? [];
    const i = list.findIndex((f) => !f.when || f.when(args));
    if (i < 0) return null;
    const f = list[i]!;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) list.splice(i, 1);
    return f;
  }

  private respond(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args['channel'] ?? '');
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://acme.slack.com/',
          team: 'Acme',
          user: 'commander',
          team_id: 'TFAKE0001',
          user_id: BOT_USER,
          bot_id: BOT_ID,
        };
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${this.port}/link?ticket=${randomUUID()}` };
      case 'conversations.create': {
        const name = String(args['name'] ?? '');
        if (!/^[a-z0-9_-]{1,80}$/.test(name)) return { ok: false, error: 'invalid_name_specials' };
        if (this.takenNames.has(name) || [...this.channels.values()].some((c) => c.name === name))
          return { ok: false, error: 'name_taken' };
        const id = `CINC${String(++this.channelCounter).padStart(4, '0')}`;
        this.channels.set(id, { name, topic: '', members: new Set([BOT_USER]) });
        return { ok: true, channel: { id, name } };
      }
      case 'conversations.setTopic': {
        const c = this.channels.get(channel);
        if (!c) return { ok: false, error: 'channel_not_found' };
        c.topic = String(args['topic'] ?? '');
        return { ok: true, channel: { id: channel, topic: { value: c.topic } } };
      }
      case 'conversations.invite': {
        const c = this.channels.get(channel);
        if (!c) return { ok: false, error: 'channel_not_found' };
        const users = String(args['users'] ?? '')
          .split(',')
          .filter(Boolean);
        if (users.every((u) => c.members.has(u))) return { ok: false, error: 'already_in_channel' };
        for (const u of users) c.members.add(u);
        return { ok: true, channel: { id: channel } };
      }
      case 'conversations.join':
        return { ok: true, channel: { id: channel } };
      case 'chat.postMessage':
      case 'chat.update': {
        const blocks = typeof args['blocks'] === 'string' ? (JSON.parse(args['blocks']) as unknown[]) : [];
        const problem = blocksProblem(blocks);
        if (problem) return { ok: false, error: 'invalid_blocks', errors: [problem] };
        if (String(args['text'] ?? '').length > 40_000) return { ok: false, error: 'msg_too_long' };
        if (method === 'chat.update') {
          const found = this.messages.find((m) => m.channel === channel && m.ts === args['ts']);
          if (!found) return { ok: false, error: 'message_not_found' };
          found.text = String(args['text'] ?? '');
          found.blocks = blocks;
          return { ok: true, channel, ts: found.ts, text: found.text };
        }
        const ts = this.nextTs();
        this.messages.push({
          channel,
          ts,
          text: String(args['text'] ?? ''),
          blocks,
          user: BOT_USER,
          ...(args['thread_ts'] ? { thread_ts: String(args['thread_ts']) } : {}),
          pinned: false,
        });
        return { ok: true, channel, ts, message: { ts, text: args['text'], bot_id: BOT_ID } };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'pins.add': {
        const found = this.messages.find((m) => m.channel === channel && m.ts === args['timestamp']);
        if (!found) return { ok: false, error: 'message_not_found' };
        if (found.pinned) return { ok: false, error: 'already_pinned' };
        found.pinned = true;
        return { ok: true };
      }
      case 'reactions.add':
        return { ok: true };
      case 'views.open':
        return { ok: true, view: { id: `V${randomUUID().slice(0, 8).toUpperCase()}` } };
      case 'chat.getPermalink':
        return {
          ok: true,
          channel,
          permalink: `https://acme.slack.com/archives/${channel}/p${String(args['message_ts'] ?? '').replace('.', '')}`,
        };
      case 'users.info': {
        const id = String(args['user'] ?? '');
        const u = this.users.get(id);
        if (!u) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id,
            name: u.name,
            real_name: u.real_name,
            is_bot: u.is_bot ?? false,
            profile: { display_name: u.display_name, real_name: u.real_name },
          },
        };
      }
      case 'conversations.history':
      case 'conversations.replies': {
        const ts = String(args['latest'] ?? args['ts'] ?? '');
        const found = this.messages.filter((m) => m.channel === channel && (m.ts === ts || m.thread_ts === ts));
        return { ok: true, messages: found.map((m) => ({ type: 'message', ts: m.ts, text: m.text, user: m.user })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function parseArgs(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(raw).entries());
}

export async function startFakeSlack(): Promise<FakeSlack> {
  return new FakeSlack().start();
}
