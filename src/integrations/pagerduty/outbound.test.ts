import { afterEach, describe, expect, it } from 'vitest';
import {
  capturingLogger,
  deliver,
  type IntegrationsWorld,
  integrationsWorld,
  pdEvent,
  PD_TOKEN,
  ROUTING_KEY,
} from '../../../test/support/integrations-world.js';
import { NOTE_MARK } from '../inbound/apply.js';
import { QUEUES } from '../queue.js';

let w: IntegrationsWorld | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

const SEV1 = {
  title: 'Checkout failing: payment API 500s',
  description: 'All customers get errors at checkout; payments are down',
  severity: 'SEV1',
  services: ['payment-api'],
};

async function timeline(world: IntegrationsWorld, id: string): Promise<string[]> {
  return (await world.world.store.listTimeline(id)).map((e) => e.text);
}

describe('PagerDuty out: the page the severity framework names', () => {
  it('pages a SEV1 declared here with one Events API trigger, and resolves it on resolution, each on the timeline', async () => {
    w = await integrationsWorld();
    const { incident } = await w.ok<{ incident: { id: string } }>('open_incident', SEV1);
    await w.integrations.worker.tick();
    await w.integrations.worker.tick();
    const [trigger, ...more] = w.pd.events();
    expect(more).toEqual([]);
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: `incident-commander:${incident.id}`,
      payload: {
        summary: `[SEV1] ${incident.id} Checkout failing: payment API 500s`,
        source: 'incident-commander',
        severity: 'critical',
        component: 'payment-api',
        custom_details: {
          incident: incident.id,
          paging: ['Incident Commander on call', "owning team's primary on call", 'engineering manager on call'],
        },
      },
    });
    const paged = (await w.world.store.listTimeline(incident.id, { kinds: ['escalation'] })).at(-1)!;
    expect(paged.text).toMatch(
      /^Paged via PagerDuty at \d\d:\d\d UTC: Incident Commander on call, owning team's primary on call, engineering manager on call \(Events API, dedup key incident-commander:INC-1\)$/,
    );
    expect(paged.author).toBe('incident-commander');

    await w.ok('resolve_incident', { incidentId: incident.id, resolution: 'rolled back v2.14' });
    await w.integrations.worker.tick();
    await w.integrations.worker.tick();
    expect(w.pd.events().map((e) => [e['event_action'], e['dedup_key']])).toEqual([
      ['trigger', `incident-commander:${incident.id}`],
      ['resolve', `incident-commander:${incident.id}`],
    ]);
    expect(w.pd.events()[1]).not.toHaveProperty('payload');
    expect((await timeline(w, incident.id)).some((t) => /^PagerDuty page resolved at \d\d:\d\d UTC/.test(t))).toBe(
      true,
    );
  });

  it('does not page a level that does not page, pages when it is raised, and acknowledges once a dedicated IC has command', async () => {
    w = await integrationsWorld();
    const { incident } = await w.ok<{ incident: { id: string } }>('open_incident', {
      ...SEV1,
      severity: 'SEV3',
      description: 'search is a bit slow for some',
    });
    await w.integrations.worker.tick();
    expect(w.pd.events()).toEqual([]);
    await w.ok('update_incident', { incidentId: incident.id, severity: 'SEV2', reason: 'checkout is affected too' });
    await w.integrations.worker.tick();
    expect(w.pd.events().map((e) => e['event_action'])).toEqual(['trigger']);
    expect((w.pd.events()[0]!['payload'] as { severity: string }).severity).toBe('error');
    await w.ok('assign_roles', { incidentId: incident.id, incidentCommander: 'Omar Haddad', useRoster: false });
    await w.integrations.worker.tick();
    await w.integrations.worker.tick();
    expect(w.pd.events().map((e) => e['event_action'])).toEqual(['trigger', 'acknowledge']);
  });

  it('links the PagerDuty incident its own page opened instead of opening another, and records who acknowledged the page', async () => {
    w = await integrationsWorld();
    const { incident } = await w.ok<{ incident: { id: string } }>('open_incident', SEV1);
    await w.integrations.worker.tick();
    const key = `incident-commander:${incident.id}`;
    await deliver(w, pdEvent('incident.triggered', { id: 'PPAGE1', incident_key: key, number: 77 }));
    await deliver(
      w,
      pdEvent(
        'incident.acknowledged',
        { id: 'PPAGE1', incident_key: key, status: 'acknowledged' },
        { agent: 'Dana Lee' },
      ),
    );
    await w.integrations.worker.tick();
    expect(await w.world.store.listIncidents()).toHaveLength(1);
    expect((await w.world.store.findRef('pagerduty', 'incident', 'PPAGE1'))?.incidentId).toBe(incident.id);
    const texts = await timeline(w, incident.id);
    expect(texts).toContain(
      "PagerDuty incident #77 opened for the commander's page: https://acme.pagerduty.com/incidents/PPAGE1",
    );
    expect(texts).toContain('Acknowledged in PagerDuty by Dana Lee');
    expect((await w.world.store.getIncident(incident.id))?.acknowledgedAt).not.toBeNull();
    // Resolving the page in PagerDuty is the page's news: the incident here keeps its own status.
    await deliver(
      w,
      pdEvent(
        'incident.resolved',
        { id: 'PPAGE1', number: 77, incident_key: key, status: 'resolved' },
        { agent: 'Dana Lee' },
      ),
    );
    await w.integrations.worker.tick();
    expect((await w.world.store.getIncident(incident.id))?.status).toBe('investigating');
    expect(await timeline(w, incident.id)).toContain(
      `The page PagerDuty incident #77 was resolved in PagerDuty by Dana Lee; ${incident.id} keeps its own status`,
    );
  });

  it('retries a 429 after its Retry-After and 5xx with backoff, saying so on the timeline once, then pages', async () => {
    w = await integrationsWorld();
    w.pd.script(
      'POST',
      /^\/v2\/enqueue$/,
      { status: 429, headers: { 'retry-after': '7' }, body: { status: 'throttled' } },
      { status: 503, body: 'unavailable' },
    );
    const { incident } = await w.ok<{ incident: { id: string } }>('open_incident', SEV1);
    await w.integrations.worker.tick();
    let [message] = await w.world.messages.listMessages(QUEUES.pagerdutyEvents);
    expect(message).toMatchObject({ state: 'pending', attempts: 1 });
    expect(Date.parse(message!.availableAt) - w.clock.now().getTime()).toBe(7_000);
    expect(message!.note).toMatch(/HTTP 429/);
    await w.integrations.worker.tick();
    expect(w.pd.events()).toHaveLength(1);
    w.clock.advanceMinutes(7 / 60);
    await w.integrations.worker.tick();
    [message] = await w.world.messages.listMessages(QUEUES.pagerdutyEvents);
    expect(message).toMatchObject({ state: 'pending', attempts: 2 });
    const backoff = Date.parse(message!.availableAt) - w.clock.now().getTime();
    expect(backoff).toBeGreaterThanOrEqual(1_600);
    expect(backoff).toBeLessThanOrEqual(2_400);
    w.clock.advanceMinutes(3 / 60);
    await w.integrations.worker.tick();
    expect(w.pd.requests('POST', /enqueue/)).toHaveLength(3);
    const texts = await timeline(w, incident.id);
    expect(texts.filter((t) => t.startsWith('PagerDuty has not taken the page yet'))).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith('Paged via PagerDuty'))).toHaveLength(1);
  });

  it('says on the timeline to page by hand when PagerDuty refuses the page', async () => {
    w = await integrationsWorld({ env: { PAGERDUTY_ROUTING_KEY: 'R0UTINGKEYthatpagerdutydoesnotkn' } });
    const { incident } = await w.ok<{ incident: { id: string } }>('open_incident', SEV1);
    await w.integrations.worker.tick();
    const failed = (await timeline(w, incident.id)).find((t) => t.startsWith('PagerDuty trigger failed'));
    expect(failed).toMatch(/HTTP 400 .*Invalid routing key.* page Incident Commander on call, .* by hand$/);
    expect(failed).not.toContain('R0UTINGKEYthat');
  });

  it('pages each escalation target through its own routing key, and says who was not paged', async () => {
    w = await integrationsWorld({
      env: {
        PAGERDUTY_ROUTING_KEY: '',
        KEY_IC: 'R0UTINGKEY-IC-00000000000000000',
        KEY_PAY: 'R0UTINGKEY-PAYMENTS-00000000000',
      },
      file: `version: 1
pagerduty:
  events:
    page:
      "Incident Commander on call": { env: KEY_IC }
      "owning team's primary on call": { per_service: true }
    services:
      payment-api: { env: KEY_PAY }
`,
    });
    w.pd.routingKeys.add('R0UTINGKEY-IC-00000000000000000');
    w.pd.routingKeys.add('R0UTINGKEY-PAYMENTS-00000000000');
    const { incident } = await w.ok<{ incident: { id: string } }>('open_incident', SEV1);
    await w.integrations.worker.tick();
    expect(
      w.pd
        .events()
        .map((e) => [
          e['routing_key'],
          (e['payload'] as { custom_details: { paging: string[] } }).custom_details.paging,
        ]),
    ).toEqual([
      ['R0UTINGKEY-IC-00000000000000000', ['Incident Commander on call']],
      ['R0UTINGKEY-PAYMENTS-00000000000', ["owning team's primary on call"]],
    ]);
    const paged = (await timeline(w, incident.id)).find((t) => t.startsWith('Paged via PagerDuty'));
    expect(paged).toContain("Incident Commander on call, owning team's primary on call (Events API");
    expect(paged).toContain('not paged, no routing key configured: engineering manager on call');
  });

  it('logs the exact request in a dry run and sends nothing', async () => {
    const { logger, lines } = capturingLogger();
    w = await integrationsWorld({ dryRun: true, logger });
    await w.ok('open_incident', SEV1);
    await w.integrations.worker.tick();
    await w.integrations.worker.tick();
    expect(w.pd.received).toEqual([]);
    expect(await w.world.messages.listMessages(QUEUES.pagerdutyEvents)).toEqual([]);
    const logged = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['dryRun'] && String(l['msg']).includes('POST'));
    // Once, however many ticks plan it (the change-event pulls are logged too, and sent no more than it).
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      msg: `dry run: would POST ${w.pd.url}/v2/enqueue`,
      request: {
        method: 'POST',
        url: `${w.pd.url}/v2/enqueue`,
        body: { routing_key: '[redacted]', event_action: 'trigger', dedup_key: 'incident-commander:INC-1' },
      },
    });
    expect(lines.join('\n')).not.toContain(ROUTING_KEY);
  });
});

describe('PagerDuty out: incidents that came from PagerDuty', () => {
  it('posts the commander’s decisions as notes and its resolution as the status, as the From user, without echoing them back', async () => {
    w = await integrationsWorld();
    await deliver(w, pdEvent('incident.triggered', { id: 'PFROMPD' }));
    await w.integrations.worker.tick();
    const [incident] = await w.world.store.listIncidents();
    await w.ok('log_event', { incidentId: incident!.id, kind: 'decision', text: 'Roll back payments v2.14 now' });
    await w.integrations.worker.tick();
    const [note] = w.pd.requests('POST', /\/incidents\/PFROMPD\/notes$/);
    expect(note?.headers).toMatchObject({ from: 'oncall-bot@example.com', authorization: `Token token=${PD_TOKEN}` });
    const content = (note!.body as { note: { content: string } }).note.content;
    expect(content).toMatch(
      /^\[incident-commander\] \d\d:\d\d UTC decision — claude-desktop: Roll back payments v2\.14 now$/,
    );
    // PagerDuty tells us about our own note: it is not recorded twice.
    await deliver(
      w,
      pdEvent(
        'incident.annotated',
        {},
        {
          data: {
            type: 'incident_note',
            id: 'PNOTE1',
            incident: { id: 'PFROMPD', type: 'incident_reference' },
            content,
          },
        },
      ),
    );
    await w.integrations.worker.tick();
    expect((await timeline(w, incident!.id)).filter((t) => t.includes('Roll back payments'))).toHaveLength(1);
    expect(content.startsWith(NOTE_MARK)).toBe(true);

    // A change PagerDuty made (its priority, hence the severity here) is not sent back to it as a note.
    await deliver(w, pdEvent('incident.priority_updated', { id: 'PFROMPD', priority: 'P3' }));
    await w.integrations.worker.tick();
    expect((await w.world.store.getIncident(incident!.id))?.severity).toBe('SEV3');

    await w.ok('resolve_incident', { incidentId: incident!.id, resolution: 'rolled back' });
    await w.integrations.worker.tick();
    await w.integrations.worker.tick();
    const puts = w.pd.requests('PUT', /\/incidents\/PFROMPD$/);
    expect(puts.map((r) => [r.body, r.headers.from])).toEqual([
      [{ incident: { type: 'incident_reference', status: 'resolved' } }, 'oncall-bot@example.com'],
    ]);
    expect(await timeline(w, incident!.id)).toContain(
      'PagerDuty incident #1234 set to resolved (REST, as oncall-bot@example.com)',
    );
    // Its own Events API page is never sent for an incident PagerDuty already paged.
    expect(w.pd.events()).toEqual([]);
    // PagerDuty's echo of the resolution changes nothing.
    await deliver(w, pdEvent('incident.resolved', { id: 'PFROMPD', status: 'resolved' }));
    await w.integrations.worker.tick();
    expect(w.pd.requests('PUT')).toHaveLength(1);
    const notes = w.pd.requests('POST', /\/notes$/).map((r) => (r.body as { note: { content: string } }).note.content);
    expect(notes.filter((n) => /PagerDuty/.test(n))).toEqual([]);
    expect(notes.some((n) => n.includes('Resolved: rolled back'))).toBe(true);
  });
});
