import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deliver,
  type IntegrationsWorld,
  integrationsWorld,
  OLD_SECRET,
  pdEvent,
  post,
  SECRET,
  sign,
} from '../../../test/support/integrations-world.js';
import { QUEUES } from '../queue.js';

let w: IntegrationsWorld | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await w?.close();
  w = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const minutesAgo = (m: number): string => new Date(Date.now() - m * 60_000).toISOString();

async function inbox(world: IntegrationsWorld) {
  return world.world.messages.listMessages(QUEUES.pagerdutyWebhooks);
}

async function only(world: IntegrationsWorld) {
  const incidents = await world.world.store.listIncidents();
  expect(incidents).toHaveLength(1);
  return (await world.world.store.readRecord(incidents[0]!.id))!;
}

describe('PagerDuty webhooks in', () => {
  it('opens an incident from incident.triggered with the mapped service and the priority’s severity, and follows it to resolution', async () => {
    w = await integrationsWorld();
    const triggered = pdEvent('incident.triggered', {}, { occurred_at: minutesAgo(10) });
    const answer = await deliver(w, triggered);
    expect(answer.status).toBe(202);
    // Stored before the answer, processed after it.
    expect((await inbox(w)).map((m) => m.state)).toEqual(['pending']);
    expect(await w.world.store.listIncidents()).toEqual([]);
    await w.integrations.worker.tick();

    let record = await only(w);
    expect(record.incident).toMatchObject({
      title: 'Checkout error rate above 5% for 10 minutes',
      severity: 'SEV1',
      status: 'investigating',
      services: ['payment-api'],
      declaredBy: 'PagerDuty',
    });
    expect(await w.world.store.findRef('pagerduty', 'incident', 'PT4KHLK')).toMatchObject({
      incidentId: record.incident.id,
    });
    expect(record.timeline.map((e) => e.text).join('\n')).toMatch(
      /Opened from PagerDuty incident #1234 \(https:\/\/acme\.pagerduty\.com\/incidents\/PT4KHLK\); severity SEV1 from PagerDuty priority P1/,
    );
    expect((await inbox(w))[0]).toMatchObject({
      state: 'done',
      note: `${record.incident.id}: opened ${record.incident.id}`,
    });

    const steps: [string, Parameters<typeof pdEvent>[1], string][] = [
      ['incident.acknowledged', { status: 'acknowledged' }, 'Acknowledged in PagerDuty by Priya Raman'],
      [
        'incident.escalated',
        { status: 'acknowledged', assignees: [{ summary: 'Omar Haddad' }] },
        'Escalated in PagerDuty to Omar Haddad',
      ],
      [
        'incident.priority_updated',
        { status: 'acknowledged', priority: 'P2' },
        'Severity SEV1 → SEV2 (lowered): PagerDuty priority P2',
      ],
      ['incident.resolved', { status: 'resolved', priority: 'P2' }, 'Resolved: resolved in PagerDuty by Priya Raman'],
    ];
    let minute = 9;
    for (const [type, incident, text] of steps) {
      expect((await deliver(w, pdEvent(type, incident, { occurred_at: minutesAgo(minute--) }))).status).toBe(202);
      await w.integrations.worker.tick();
      record = await only(w);
      expect(record.timeline.map((e) => e.text).join('\n')).toContain(text);
    }
    const note = pdEvent(
      'incident.annotated',
      {},
      {
        occurred_at: minutesAgo(4),
        data: {
          type: 'incident_note',
          id: 'PNOTE9',
          incident: { id: 'PT4KHLK', summary: 'Checkout errors', type: 'incident_reference' },
          content: 'Rolled back payments v2.14; error rate falling',
          trimmed: false,
        },
      },
    );
    expect((await deliver(w, note)).status).toBe(202);
    await w.integrations.worker.tick();
    record = await only(w);
    expect(record.incident).toMatchObject({ status: 'resolved', severity: 'SEV2' });
    expect(record.incident.acknowledgedAt).not.toBeNull();
    expect(record.timeline.map((e) => e.text)).toContain(
      'PagerDuty note by Priya Raman: Rolled back payments v2.14; error rate falling',
    );
    expect((await inbox(w)).every((m) => m.state === 'done')).toBe(true);
  });

  it('accepts a delivery signed with either secret during a rotation', async () => {
    w = await integrationsWorld({ env: { PAGERDUTY_WEBHOOK_SECRET: `${OLD_SECRET},${SECRET}` } });
    expect((await deliver(w, pdEvent('incident.triggered'), { secrets: [OLD_SECRET] })).status).toBe(202);
    expect((await deliver(w, pdEvent('incident.triggered', { id: 'PNEW1' }), { secrets: [SECRET] })).status).toBe(202);
    expect(
      (await deliver(w, pdEvent('incident.triggered', { id: 'PNEW2' }), { secrets: ['whsec-stranger-000', SECRET] }))
        .status,
    ).toBe(202);
    expect(await inbox(w)).toHaveLength(3);
  });

  it('answers unsigned, mis-signed, tampered, re-serialised, malformed and stale deliveries with 4xx and writes nothing', async () => {
    w = await integrationsWorld();
    const payload = pdEvent('incident.triggered');
    const body = JSON.stringify(payload);
    const url = w.server.url;
    const path = '/webhooks/pagerduty';
    const headers = { 'x-webhook-id': 'wh-1', 'x-pagerduty-signature': sign(body, SECRET) };
    const signed = (raw: string, extra: Record<string, string> = {}) =>
      post(url, path, raw, { 'x-webhook-id': 'wh-1', 'x-pagerduty-signature': sign(raw, SECRET), ...extra });
    const cases: [string, Promise<{ status: number }>, number][] = [
      ['unsigned', post(url, path, body, { 'x-webhook-id': 'wh-1' }), 401],
      [
        'another secret',
        post(url, path, body, { ...headers, 'x-pagerduty-signature': sign(body, 'whsec-wrong-1234') }),
        401,
      ],
      ['tampered', post(url, path, body.replace('Checkout', 'Checkouts'), headers), 401],
      ['re-serialised', post(url, path, JSON.stringify(JSON.parse(body), null, 2), headers), 401],
      [
        'not v1',
        post(url, path, body, {
          ...headers,
          'x-pagerduty-signature': headers['x-pagerduty-signature'].replace('v1=', 'v0='),
        }),
        401,
      ],
      ['not JSON', signed('{"event":'), 400],
      ['not an event', signed(JSON.stringify({ hello: 'world' })), 400],
      [
        'incident event without an incident',
        signed(JSON.stringify(pdEvent('incident.triggered', {}, { data: { id: 'x' } }))),
        400,
      ],
      ['no delivery id', post(url, path, body, { 'x-pagerduty-signature': sign(body, SECRET) }), 400],
      [
        'stale (a replay of an old event)',
        signed(JSON.stringify(pdEvent('incident.triggered', {}, { occurred_at: minutesAgo(24 * 60) }))),
        400,
      ],
      [
        'from the future',
        signed(JSON.stringify(pdEvent('incident.triggered', {}, { occurred_at: minutesAgo(-120) }))),
        400,
      ],
      ['not JSON content', post(url, path, body, { ...headers, 'content-type': 'text/plain' }), 415],
      ['too large', signed(JSON.stringify({ ...payload, pad: 'x'.repeat(600 * 1024) })), 413],
    ];
    for (const [name, answer, status] of cases) expect((await answer).status, name).toBe(status);
    await w.integrations.worker.tick();
    expect(await inbox(w)).toEqual([]);
    expect(await w.world.store.listIncidents()).toEqual([]);
  });

  it('stores a retried delivery once (200 the second time) and refuses the same event replayed under another delivery id (409)', async () => {
    w = await integrationsWorld();
    const payload = pdEvent('incident.triggered');
    expect((await deliver(w, payload, { webhookId: 'wh-a' })).status).toBe(202);
    const again = await deliver(w, payload, { webhookId: 'wh-a' });
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect((await deliver(w, payload, { webhookId: 'wh-forged' })).status).toBe(409);
    await w.integrations.worker.tick();
    expect((await deliver(w, payload, { webhookId: 'wh-a' })).status).toBe(200);
    await w.integrations.worker.tick();
    expect(await inbox(w)).toHaveLength(1);
    const record = await only(w);
    expect(record.timeline.filter((e) => e.kind === 'declared')).toHaveLength(1);
  });

  it('keeps the newest news when deliveries arrive out of order: a late trigger or acknowledgement moves nothing back', async () => {
    w = await integrationsWorld();
    const resolved = pdEvent('incident.resolved', { status: 'resolved' }, { occurred_at: minutesAgo(2) });
    const triggered = pdEvent('incident.triggered', {}, { occurred_at: minutesAgo(20) });
    const acked = pdEvent('incident.acknowledged', { status: 'acknowledged' }, { occurred_at: minutesAgo(15) });
    expect((await deliver(w, resolved)).status).toBe(202);
    await w.integrations.worker.tick();
    let record = await only(w);
    expect(record.incident.status).toBe('resolved');
    for (const late of [triggered, acked]) {
      expect((await deliver(w, late)).status).toBe(202);
      await w.integrations.worker.tick();
    }
    record = await only(w);
    expect(record.incident.status).toBe('resolved');
    const texts = record.timeline.map((e) => e.text);
    expect(
      texts.filter((t) => t.includes('arrived after newer news from PagerDuty: recorded, not applied')),
    ).toHaveLength(2);
    // The late entries sort at the time they happened.
    const ackAt = record.timeline.find((e) => e.text.startsWith('Acknowledged in PagerDuty'))!.at;
    expect(ackAt).toBe(acked['event'] && (acked['event'] as { occurred_at: string }).occurred_at);
    expect((await w.world.store.findRef('pagerduty', 'incident', 'PT4KHLK'))?.data).toMatchObject({
      state: 'resolved',
    });
  });

  it('processes one PagerDuty incident’s deliveries in arrival order, and different incidents side by side', async () => {
    w = await integrationsWorld();
    const order = ['incident.triggered', 'incident.acknowledged', 'incident.resolved'] as const;
    for (const id of ['PA', 'PB'])
      for (const [i, type] of order.entries())
        expect(
          (
            await deliver(
              w,
              pdEvent(
                type,
                { id, status: ['triggered', 'acknowledged', 'resolved'][i]!, title: `Incident ${id}` },
                { occurred_at: minutesAgo(10 - i) },
              ),
            )
          ).status,
        ).toBe(202);
    // One claim hands out one message per PagerDuty incident: the heads, in order.
    const heads = await w.world.messages.claim(QUEUES.pagerdutyWebhooks, {
      at: new Date().toISOString(),
      leaseMs: 1,
      limit: 10,
    });
    expect(
      heads.map((m) => [m.partition, (m.payload as { body: { event: { event_type: string } } }).body.event.event_type]),
    ).toEqual([
      ['PA', 'incident.triggered'],
      ['PB', 'incident.triggered'],
    ]);
    w.clock.advanceMinutes(1 / 60);
    await w.integrations.worker.tick();
    const incidents = await w.world.store.listIncidents();
    expect(incidents.map((i) => [i.title, i.status]).sort()).toEqual([
      ['Incident PA', 'resolved'],
      ['Incident PB', 'resolved'],
    ]);
  });

  it('processes a delivery stored before a crash exactly once after the restart, whether or not a worker had claimed it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ic-crash-'));
    dirs.push(dir);
    const db = join(dir, 'state.db');
    w = await integrationsWorld({ db });
    const first = pdEvent('incident.triggered', { id: 'PCRASH1', title: 'Checkout down' });
    const second = pdEvent('incident.triggered', {
      id: 'PCRASH2',
      title: 'Search down',
      service: { id: 'PSEARCH1', summary: 'Search' },
    });
    // A worker claims the first delivery and dies before settling it; the second is stored and never claimed.
    expect((await deliver(w, second)).status).toBe(202);
    const claimed = await w.world.messages.claim(QUEUES.pagerdutyWebhooks, {
      at: w.clock.now().toISOString(),
      leaseMs: 30_000,
      limit: 10,
    });
    expect(claimed.map((m) => m.partition)).toEqual(['PCRASH2']);
    expect((await deliver(w, first)).status).toBe(202);
    await w.close();

    w = await integrationsWorld({ db });
    await w.integrations.worker.tick();
    expect((await w.world.store.listIncidents()).map((i) => i.title)).toEqual(['Checkout down']);
    // The lease of the dead worker runs out; the retried delivery from PagerDuty is not stored again.
    expect((await deliver(w, second)).status).toBe(200);
    w.clock.advanceMinutes(31 / 60);
    await w.integrations.worker.tick();
    await w.integrations.worker.tick();
    const incidents = await w.world.store.listIncidents();
    expect(incidents.map((i) => i.title).sort()).toEqual(['Checkout down', 'Search down']);
    for (const i of incidents)
      expect((await w.world.store.listTimeline(i.id)).filter((e) => e.kind === 'declared')).toHaveLength(1);
    expect((await inbox(w)).map((m) => [m.partition, m.state, m.attempts])).toEqual([
      ['PCRASH2', 'done', 2],
      ['PCRASH1', 'done', 1],
    ]);
  });

  it('answers every delivery of a burst well inside PagerDuty’s 5 seconds while the worker processes', async () => {
    w = await integrationsWorld();
    w.integrations.worker.start(20);
    const deliveries = Array.from({ length: 200 }, (_, i) =>
      pdEvent(i % 2 ? 'incident.acknowledged' : 'incident.triggered', {
        id: `PLOAD${i % 50}`,
        status: i % 2 ? 'acknowledged' : 'triggered',
      }),
    );
    const answers = await Promise.all(deliveries.map((d) => deliver(w!, d)));
    expect(answers.filter((a) => a.status !== 202)).toEqual([]);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(5_000);
    await w.integrations.worker.stop();
    w.clock.advanceMinutes(1);
    for (let i = 0; i < 5; i++) await w.integrations.worker.tick();
    expect(await w.world.store.listIncidents({ limit: 500 })).toHaveLength(50);
    expect((await inbox(w)).filter((m) => m.state !== 'done')).toEqual([]);
  });
});
