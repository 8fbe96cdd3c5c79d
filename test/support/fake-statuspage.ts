import { FakeHttp } from './fake-http.js';

interface FakeIncident {
  id: string;
  name: string;
  status: string;
  impact: string;
  shortlink: string;
  created_at: string;
  components: Record<string, string>;
  incident_updates: { body: string; status: string; created_at: string }[];
}

/** Statuspage's REST API for one page, faked on loopback: incidents opened and updated, components by id. */
export class FakeStatuspage extends FakeHttp {
  token = '';
  readonly components: { id: string; name: string; status: string }[] = [];
  readonly incidents = new Map<string, FakeIncident>();
  private next = 0;

  constructor(readonly pageId: string) {
    super();
    const page = `^/pages/${pageId}`;
    const authorised = (h: { authorization?: string | undefined }): boolean =>
      h.authorization === `OAuth ${this.token}`;
    const denied = { status: 401, body: { error: 'Could not authenticate' } };
    this.route('GET', new RegExp(`${page}/components$`), (r) =>
      authorised(r.headers) ? { status: 200, body: this.components } : denied,
    );
    this.route('GET', new RegExp(`${page}/incidents/unresolved$`), (r) =>
      authorised(r.headers)
        ? { status: 200, body: [...this.incidents.values()].filter((i) => i.status !== 'resolved') }
        : denied,
    );
    this.route('GET', new RegExp(`${page}/incidents/([a-z0-9]+)$`), (r, [id]) => {
      if (!authorised(r.headers)) return denied;
      const found = this.incidents.get(id!);
      return found ? { status: 200, body: found } : { status: 404, body: { error: 'not found' } };
    });
    this.route('POST', new RegExp(`${page}/incidents$`), (r) => {
      if (!authorised(r.headers)) return denied;
      const inc = (r.body as { incident?: Record<string, unknown> }).incident ?? {};
      const problem = this.invalid(inc, true);
      if (problem) return { status: 422, body: { error: problem } };
      const id = `sp${++this.next}`;
      const now = new Date().toISOString();
      const created: FakeIncident = {
        id,
        name: String(inc['name']),
        status: String(inc['status']),
        impact: String(inc['impact_override']),
        shortlink: `https://stspg.io/${id}`,
        created_at: now,
        components: (inc['components'] as Record<string, string>) ?? {},
        incident_updates: [{ body: String(inc['body'] ?? ''), status: String(inc['status']), created_at: now }],
      };
      this.incidents.set(id, created);
      return { status: 201, body: created };
    });
    this.route('PATCH', new RegExp(`${page}/incidents/([a-z0-9]+)$`), (r, [id]) => {
      if (!authorised(r.headers)) return denied;
      const found = this.incidents.get(id!);
      if (!found) return { status: 404, body: { error: 'not found' } };
      const inc = (r.body as { incident?: Record<string, unknown> }).incident ?? {};
      const problem = this.invalid(inc, false);
      if (problem) return { status: 422, body: { error: problem } };
      found.status = String(inc['status'] ?? found.status);
      found.components = { ...found.components, ...((inc['components'] as Record<string, string>) ?? {}) };
      found.incident_updates.unshift({
        body: String(inc['body'] ?? ''),
        status: found.status,
        created_at: new Date().toISOString(),
      });
      return { status: 200, body: found };
    });
  }

  private invalid(inc: Record<string, unknown>, create: boolean): string | null {
    if (create && !inc['name']) return 'name is required';
    if (!['investigating', 'identified', 'monitoring', 'resolved'].includes(String(inc['status'])))
      return 'status is invalid';
    for (const [id, status] of Object.entries((inc['components'] as Record<string, string>) ?? {})) {
      if (!this.components.some((c) => c.id === id)) return `component ${id} does not exist`;
      if (
        !['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'].includes(status)
      )
        return `component status ${status} is invalid`;
    }
    return null;
  }

  /** Every request that would change what customers see. */
  writes() {
    return this.received.filter((r) => r.method === 'POST' || r.method === 'PATCH');
  }
}
