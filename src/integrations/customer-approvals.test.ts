import { afterEach, describe, expect, it } from 'vitest';
import { type IntegrationsWorld, integrationsWorld } from '../../test/support/integrations-world.js';
import type { CustomerApprovals } from '../slack/approvals.js';
import { chatApprovals } from './customer-approvals.js';

let w: IntegrationsWorld | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

describe('the Slack card’s approval port, over the approval desk', () => {
  it('proposes the recorded customer update as a draft, publishes it only when a person approves it on the card', async () => {
    w = await integrationsWorld();
    const port: CustomerApprovals = chatApprovals(w.integrations, (actor) => w!.world.context(actor));
    const { incident } = await w.ok<{ incident: { id: string } }>('open_incident', {
      title: 'Checkout failing',
      severity: 'SEV1',
      services: ['payment-api'],
    });
    const draft = await port.propose(incident.id, 'dana');
    expect(draft).toMatchObject({ status: 'pending', statuspage: { status: 'investigating', impact: 'critical' } });
    await w.integrations.worker.tick();
    expect(w.sp.writes()).toEqual([]);
    const edited = await port.edit(draft.id, 'We are investigating failed payments.', {
      name: 'Dana',
      slackUserId: 'U1',
      human: true,
    });
    expect(edited).toMatchObject({ text: 'We are investigating failed payments.', editedBy: 'Dana' });
    const approved = await port.approve(draft.id, { name: 'Dana', slackUserId: 'U1', human: true });
    expect(approved).toMatchObject({
      status: 'approved',
      decidedBy: 'Dana',
      outcome: 'published to the status page: https://stspg.io/sp1',
    });
    expect((await w.world.store.getDraft(draft.id))?.review).toMatchObject({ via: 'slack', by: 'Dana', revision: 2 });
    expect(w.sp.writes()).toHaveLength(1);
  });
});
