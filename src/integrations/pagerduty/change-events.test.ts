import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type IntegrationsWorld, integrationsWorld, PD_TOKEN } from '../../../test/support/integrations-world.js';

let w: IntegrationsWorld | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

describe('PagerDuty change events feed fetch_deploys', () => {
  it('pulls each mapped service’s change events into its deploy log once, where fetch_deploys ranks them as suspects', async () => {
    w = await integrationsWorld();
    const tenMinutesAgo = new Date(w.clock.now().getTime() - 10 * 60_000).toISOString();
    w.pd.changeEvents['PIJ90N7'] = [
      {
        id: 'CE1',
        type: 'change_event',
        summary: 'Deploy payments v2.14.0',
        timestamp: tenMinutesAgo,
        source: 'github-actions',
        custom_details: { version: 'v2.14.0', commit: 'abc123def456', author: 'sam', status: 'succeeded' },
        links: [{ href: 'https://github.com/acme/payments/releases/v2.14.0', text: 'release' }],
      },
    ];
    const { incident } = await w.ok<{ incident: { id: string } }>('open_incident', {
      title: 'Checkout failing',
      severity: 'SEV2',
      services: ['payment-api'],
    });
    await w.integrations.worker.tick();
    const [pull] = w.pd.requests('GET', /^\/services\/PIJ90N7\/change_events$/);
    expect(pull?.headers.authorization).toBe(`Token token=${PD_TOKEN}`);
    const deploys = await w.ok<{
      deploys: { ref: string; summary: string; author: string; suspect: boolean }[];
      suspects: string[];
    }>('fetch_deploys', { service: 'payment-api', incidentId: incident.id });
    expect(deploys.suspects).toEqual(['v2.14.0']);
    expect(deploys.deploys[0]).toMatchObject({ summary: 'Deploy payments v2.14.0', author: 'sam', suspect: true });

    const log = w.world.services.services.get('payment-api')!.changeEventLogPath!;
    expect(statSync(log).mode & 0o777).toBe(0o600);
    // Pulled again (the next interval): the same event is not written twice.
    const { ChangeEventPuller } = await import('./change-events.js');
    const { httpTransport } = await import('../http.js');
    const again = new ChangeEventPuller({
      settings: w.integrations.settings.pagerduty.rest!,
      services: w.world.services,
      transport: httpTransport({ logger: w.host.logger, dryRun: false }),
      clock: w.clock,
      logger: w.host.logger,
    });
    expect(await again.pullAll()).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
