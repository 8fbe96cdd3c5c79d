import { afterEach, describe, expect, it } from 'vitest';
import { type IntegrationsWorld, integrationsWorld, post } from '../../../test/support/integrations-world.js';
import { readAlert } from '../../language/alerts.js';
import { QUEUES } from '../queue.js';

let w: IntegrationsWorld | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

const TOKEN = 'og-webhook-token-0123456789';

function alert(action: string, extra: Record<string, unknown> = {}, at = Date.now()): Record<string, unknown> {
  return {
    action,
    alert: {
      alertId: '8418d193-2dab-4490-b331-8c02cdd196b7',
      message: 'Checkout API error rate above 5%',
      alias: 'checkout-5xx',
      tinyId: '1791',
      description: 'HTTP 500s from payment-api on every pod',
      tags: ['payment-api', 'prod'],
      details: {},
      priority: 'P2',
      username: 'Omar Haddad',
      createdAt: at - 60_000,
      updatedAt: at * 1e6,
      ...extra,
    },
    source: { name: 'Datadog', type: 'API' },
    integrationName: 'Webhook',
    integrationType: 'Webhook',
  };
}

const send = (world: IntegrationsWorld, body: unknown, token = TOKEN) =>
  post(world.server.url, '/webhooks/opsgenie', JSON.stringify(body), { authorization: `Bearer ${token}` });

describe('Opsgenie alerts in (its format only: no Opsgenie API is called)', () => {
  it('opens an incident from an alert, follows acknowledgement, notes and close, and refuses deliveries without the token', async () => {
    w = await integrationsWorld({ env: { OPSGENIE_WEBHOOK_TOKEN: TOKEN } });
    expect((await send(w, alert('Create'), 'wrong-token-0000000')).status).toBe(401);
    expect(
      (await post(w.server.url, '/webhooks/opsgenie', '{"action":', { authorization: `Bearer ${TOKEN}` })).status,
    ).toBe(400);
    expect((await send(w, { action: 'Create' })).status).toBe(400);
    expect(await w.world.messages.listMessages(QUEUES.opsgenieWebhooks)).toEqual([]);

    const created = alert('Create');
    expect((await send(w, created)).status).toBe(202);
    expect((await send(w, created)).status).toBe(200);
    await w.integrations.worker.tick();
    const [incident] = await w.world.store.listIncidents();
    expect(incident).toMatchObject({
      title: 'Checkout API error rate above 5%',
      severity: 'SEV2',
      services: ['payment-api'],
      declaredBy: 'Opsgenie',
    });
    for (const [action, extra] of [
      ['Acknowledge', {}],
      ['AddNote', { note: 'Rolling back 2.14' }],
      ['Close', {}],
    ] as const) {
      expect((await send(w, alert(action, extra, Date.now() + 1000))).status).toBe(202);
      await w.integrations.worker.tick();
    }
    const record = (await w.world.store.readRecord(incident!.id))!;
    expect(record.incident.status).toBe('resolved');
    const texts = record.timeline.map((e) => e.text);
    expect(texts).toContain('Acknowledged in Opsgenie by Omar Haddad');
    expect(texts).toContain('Opsgenie note by Omar Haddad: Rolling back 2.14');
    expect(
      texts.some((t) => t.startsWith('Opened from Opsgenie alert #1791; severity SEV2 from Opsgenie priority P2')),
    ).toBe(true);
  });

  it('is the same format the language layer reads when someone pastes an Opsgenie alert', () => {
    const pasted = readAlert(JSON.stringify(alert('Create').alert));
    expect(pasted).toMatchObject({ source: 'opsgenie', severity: 'P2' });
  });
});
