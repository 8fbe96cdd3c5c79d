import { FakeHttp, type Received } from './fake-http.js';

/**
 * PagerDuty's Events API v2 and the REST calls the commander makes, faked on loopback with their
 * documented rules: a trigger needs a known routing key, a dedup key and a payload; REST writes
 * need the token and a From header.
 */
export class FakePagerDuty extends FakeHttp {
  readonly routingKeys = new Set<string>();
  token = '';
  changeEvents: Record<string, unknown[]> = {};
  private notes = 0;

  constructor() {
    super();
    this.route('POST', /^\/v2\/enqueue$/, (r) => {
      const b = r.body as Record<string, unknown> | null;
      const errors: string[] = [];
      if (!b || typeof b['routing_key'] !== 'string' || !this.routingKeys.has(b['routing_key']))
        errors.push('Invalid routing key');
      if (!['trigger', 'acknowledge', 'resolve'].includes(String(b?.['event_action'])))
        errors.push('invalid event_action');
      if (typeof b?.['dedup_key'] !== 'string') errors.push('dedup_key missing');
      const p = b?.['payload'] as Record<string, unknown> | undefined;
      if (b?.['event_action'] === 'trigger' && (!p?.['summary'] || !p['source'] || !p['severity']))
        errors.push("'payload' is invalid or missing");
      if (errors.length)
        return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } };
      return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: b!['dedup_key'] } };
    });
    const rest = (r: Received): string | null => {
      if (r.headers.authorization !== `Token token=${this.token}`) return 'unauthorized';
      if (r.method !== 'GET' && !r.headers.from) return 'From header required';
      return null;
    };
    this.route('POST', /^\/incidents\/([^/]+)\/notes$/, (r) => {
      const problem = rest(r);
      if (problem) return { status: problem === 'unauthorized' ? 401 : 400, body: { error: { message: problem } } };
      const note = (r.body as { note?: { content?: string } }).note;
      return { status: 201, body: { note: { id: `PNOTE${++this.notes}`, content: note?.content ?? '' } } };
    });
    this.route('PUT', /^\/incidents\/([^/]+)$/, (r, [id]) => {
      const problem = rest(r);
      if (problem) return { status: problem === 'unauthorized' ? 401 : 400, body: { error: { message: problem } } };
      const status = (r.body as { incident?: { status?: string } }).incident?.status;
      return { status: 200, body: { incident: { id, type: 'incident', status } } };
    });
    this.route('GET', /^\/services\/([^/]+)\/change_events$/, (r, [id]) => {
      const problem = rest(r);
      if (problem) return { status: 401, body: { error: { message: problem } } };
      return { status: 200, body: { change_events: this.changeEvents[id!] ?? [], limit: 100, offset: 0, more: false } };
    });
  }

  events(): Record<string, unknown>[] {
    return this.requests('POST', /^\/v2\/enqueue$/).map((r) => r.body as Record<string, unknown>);
  }
}
