import { describe, expect, it } from 'vitest';
import { readMoves, type Reader } from './interpret.js';

const reader: Reader = {
  speaker: 'Sam',
  team: ['Sam', 'Priya', 'Omar', 'Lee'],
  services: new Map([
    ['payment-api', 'payment-api'],
    ['checkout', 'payment-api'],
    ['payments', 'payment-api'],
  ]),
};
const kinds = (text: string): string[] => readMoves(text, reader).map((m) => m.kind);

describe('reading team moves from chat', () => {
  it('reads a declaration, then roles, in the order written', () => {
    const moves = readMoves(
      'Declaring SEV1: checkout is down. I am IC, Priya on comms, Omar is tech lead, Lee (scribe).',
      reader,
    );
    expect(moves).toEqual([
      { kind: 'declare', severity: 'SEV1' },
      {
        kind: 'roles',
        assignments: { incidentCommander: 'Sam', communicationsLead: 'Priya', technicalLead: 'Omar', scribe: 'Lee' },
      },
    ]);
    expect(readMoves('IC: Priya, comms: me, TL: Omar, scribe: Lee', reader)).toEqual([
      {
        kind: 'roles',
        assignments: { incidentCommander: 'Priya', communicationsLead: 'Sam', technicalLead: 'Omar', scribe: 'Lee' },
      },
    ]);
  });

  it('does not read a question about severity as a declaration', () => {
    expect(kinds('Is this a SEV1 or a SEV2?')).toEqual([]);
    expect(kinds("Let's open an incident")).toEqual(['declare']);
    expect(readMoves('bump it to SEV2, impact is smaller than we thought', reader)).toEqual([
      { kind: 'declare', severity: 'SEV2' },
    ]);
  });

  it('reads investigation: deploy checks, hypotheses, results, runbooks and actions', () => {
    expect(readMoves('Omar, check the recent deploys for checkout.', reader)).toEqual([
      { kind: 'deploys', service: 'payment-api' },
    ]);
    expect(readMoves('Hypothesis: the v2.14.0 gateway client exhausts its connection pool.', reader)).toEqual([
      { kind: 'hypothesis', statement: 'the v2.14.0 gateway client exhausts its connection pool' },
    ]);
    expect(
      readMoves('Ruled out the database, connections are normal. I think the gateway pool is too small', reader),
    ).toEqual([
      { kind: 'hypothesis_result', outcome: 'ruled_out', evidence: 'Ruled out the database, connections are normal.' },
      { kind: 'hypothesis', statement: 'the gateway pool is too small' },
    ]);
    expect(kinds('Confirmed, rolling back to v2.13.2')).toEqual(['hypothesis_result', 'action']);
    expect(kinds('Pulling up the runbook for CheckoutErrorRateHigh')).toEqual(['runbook']);
    expect(readMoves('Rolling back to v2.13.2 now.', reader)).toEqual([
      { kind: 'action', text: 'Rolling back to v2.13.2 now.' },
    ]);
    expect(kinds('Looking at the logs')).toEqual(['action']);
    expect(kinds("Customers can't check out")).toEqual([]);
  });

  it('reads updates per audience with what changed, action items with owner and due, and resolution', () => {
    expect(
      readMoves('Exec update: checkout failing for all customers, rollback in progress, next update 14:45.', reader),
    ).toEqual([
      {
        kind: 'update',
        audiences: ['executive'],
        whatChanged: 'checkout failing for all customers, rollback in progress, next update 14:45.',
      },
    ]);
    expect(readMoves('Posting updates to all audiences: no change, still investigating', reader)).toEqual([
      {
        kind: 'update',
        audiences: ['engineering', 'executive', 'customer'],
        whatChanged: 'no change, still investigating',
      },
    ]);
    const items = readMoves(
      'Action items:\n- Add a canary stage for payment-api, owner Omar, due 2026-04-01\n- Load test the gateway client',
      reader,
    );
    expect(items).toEqual([
      {
        kind: 'action_items',
        items: [
          expect.objectContaining({ title: 'Add a canary stage for payment-api', owner: 'Omar', due: '2026-04-01' }),
          expect.objectContaining({ title: 'Load test the gateway client', owner: null, due: null }),
        ],
      },
    ]);
    expect(kinds('Error rate is back to normal, we are monitoring.')).toEqual(['mitigated']);
    expect(kinds('All clear, resolving the incident.')).toEqual(['resolve']);
  });

  it('reads a negated or deferred action as a decision, and a question as no move', () => {
    expect(readMoves("Don't roll back yet, we need the gateway logs first.", reader)).toEqual([
      { kind: 'decision', text: "Don't roll back yet" },
    ]);
    expect(readMoves("Don't roll back, restart the pods instead", reader)).toEqual([
      { kind: 'decision', text: "Don't roll back" },
      { kind: 'action', text: 'restart the pods' },
    ]);
    expect(kinds("Let's hold off on the rollback until Omar checks the pool")).toEqual(['decision']);
    expect(kinds('We are not rolling back.')).toEqual(['decision']);
    expect(kinds('Should we restart the pods?')).toEqual([]);
    // "not" far from the action does not negate it.
    expect(readMoves('Errors are not dropping so we restart the pods', reader)).toEqual([
      { kind: 'action', text: 'Errors are not dropping so we restart the pods' },
    ]);
    expect(kinds('Confirmed, but do not revert until Omar has the pool numbers')).toEqual([
      'hypothesis_result',
      'decision',
    ]);
    expect(readMoves("Confirmed. That's it: don't restart, roll back to v2.13.2", reader)).toEqual([
      { kind: 'hypothesis_result', outcome: 'confirmed', evidence: 'Confirmed.' },
      { kind: 'hypothesis_result', outcome: 'confirmed', evidence: "That's it: don't restart, roll back to v2.13.2" },
      { kind: 'decision', text: "don't restart" },
      { kind: 'action', text: 'roll back to v2.13.2' },
    ]);
  });

  it('reads nothing from chatter', () => {
    expect(kinds('ok')).toEqual([]);
    expect(kinds('Thanks everyone, good work.')).toEqual([]);
  });
});
