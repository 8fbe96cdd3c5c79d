import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/logger.js';
import { openIntegrations } from '../src/integrations/open.js';
import { QUEUES } from '../src/integrations/queue.js';
import { serveWebhooks } from '../src/integrations/server.js';
import { openRuntime } from '../src/runtime/runtime.js';
import { createRegistry } from '../tools/index.js';
import { ms, ratio, summarize, table } from './stats.js';

const SECRET = 'bench-webhook-secret-0123456789';

function delivery(i: number, incidents: number): { body: string; headers: Record<string, string> } {
  const incident = `PBENCH${i % incidents}`;
  const body = JSON.stringify({
    event: {
      id: `01BENCH${i}`,
      event_type: i < incidents ? 'incident.triggered' : 'incident.acknowledged',
      resource_type: 'incident',
      occurred_at: new Date(Date.now() - 60_000 + i).toISOString(),
      agent: { id: 'PU1', summary: 'Priya Raman', type: 'user_reference' },
      data: {
        id: incident,
        type: 'incident',
        html_url: `https://acme.pagerduty.com/incidents/${incident}`,
        number: i % incidents,
        status: i < incidents ? 'triggered' : 'acknowledged',
        title: `Checkout error rate above 5% (${incident})`,
        service: { id: 'PIJ90N7', summary: 'Payments' },
        priority: { summary: 'P2' },
        urgency: 'high',
      },
    },
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-webhook-id': `wh-${i}`,
      'x-pagerduty-signature': `v1=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
  };
}

function send(
  url: string,
  d: { body: string; headers: Record<string, string> },
): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${url}/webhooks/pagerduty`, { method: 'POST', headers: d.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(d.body);
  });
}

async function burst(url: string, deliveries: number, incidents: number, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries) {
        const r = await send(url, delivery(next++, incidents));
        if (r.status !== 202) refused++;
        latencies.push(r.ms);
      }
    }),
  );
  return { latencies, refused, wallMs: performance.now() - started };
}

/**
 * A burst of signed PagerDuty deliveries answered while the worker processes them, against a bare
 * node:http server that reads each body and answers 202 (the floor: no signature, no store).
 * PagerDuty's deadline is 5 s per delivery.
 */
export async function benchWebhooks(deliveries = 2000, incidents = 200, concurrency = 32) {
  const home = mkdtempSync(join(tmpdir(), 'ic-bench-wh-'));
  const runtime = openRuntime({
    env: { INCIDENT_COMMANDER_HOME: home },
    registry: createRegistry(),
    logger: silentLogger(),
  });
  const floor = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"status":"accepted"}');
    });
  });
  await new Promise<void>((r) => floor.listen(0, '127.0.0.1', () => r()));
  const floorUrl = `http://127.0.0.1:${(floor.address() as AddressInfo).port}`;
  try {
    const integrations = openIntegrations(runtime, { env: { PAGERDUTY_WEBHOOK_SECRET: SECRET }, file: null });
    const server = await serveWebhooks(integrations.routes, { host: '127.0.0.1', port: 0 }, silentLogger());
    integrations.worker.start(200);
    const ours = await burst(server.url, deliveries, incidents, concurrency);
    const drainStarted = performance.now();
    for (;;) {
      const pending = await runtime.messages.listMessages(QUEUES.pagerdutyWebhooks, { states: ['pending'], limit: 1 });
      if (!pending.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const processedMs = ours.wallMs + (performance.now() - drainStarted);
    await integrations.close();
    await server.close();
    const reference = await burst(floorUrl, deliveries, incidents, concurrency);
    const a = summarize(ours.latencies);
    const b = summarize(reference.latencies);
    const data = {
      deliveries,
      incidents,
      concurrency,
      refused: ours.refused,
      p50Ms: a.p50,
      p99Ms: a.p99,
      maxMs: Math.max(...ours.latencies),
      referenceP50Ms: b.p50,
      referenceP99Ms: b.p99,
      processedPerSecond: (deliveries / processedMs) * 1000,
    };
    const markdown = [
      `${deliveries.toLocaleString('en')} signed PagerDuty deliveries for ${incidents} incidents, ${concurrency} at a time, answered while the worker opens and updates the incidents (SQLite file). The reference is a bare node:http server that reads each body and answers 202, no signature or store, in the same run. PagerDuty's deadline: 5,000 ms.`,
      '',
      table(
        ['', 'p50 ms', 'p99 ms', 'max ms', 'refused'],
        [
          ['POST /webhooks/pagerduty (verify, store, 202)', ms(a.p50), ms(a.p99), ms(data.maxMs), String(ours.refused)],
          ['bare node:http 202', ms(b.p50), ms(b.p99), ms(Math.max(...reference.latencies)), String(reference.refused)],
          ['ratio', ratio(a.p50, b.p50), ratio(a.p99, b.p99), '', ''],
        ],
      ),
      '',
      `Every delivery processed (incident opened or acknowledged) ${ms(processedMs)} ms after the first was sent: ${data.processedPerSecond.toFixed(0)} deliveries/s end to end.`,
    ].join('\n');
    return { markdown, data };
  } finally {
    floor.closeAllConnections();
    await new Promise<void>((r) => floor.close(() => r()));
    await runtime.close();
    rmSync(home, { recursive: true, force: true });
  }
}
