import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../config/package-root.js';
import { silentLogger } from '../core/logger.js';
import { EMPTY_RUNBOOKS } from '../runbooks/catalog.js';
import { loadFramework } from '../severity/framework.js';
import { DEFAULT_SETTINGS } from '../soul/schema.js';
import { TemplateLibrary } from '../templates/library.js';
import { createRegistry } from '../../tools/index.js';
import { Drill, phraseAt, phraseIn } from './drill.js';
import { listScenarios, loadScenario } from './scenario.js';
import { scoreDrill } from './score.js';

const root = packageRoot();
const dir = join(root, 'config', 'gamedays');
const deps = {
  registry: createRegistry(),
  severity: loadFramework(join(root, 'config', 'severity.yaml')),
  templates: TemplateLibrary.load(join(root, 'prompts')),
  settings: DEFAULT_SETTINGS,
  runbooks: EMPTY_RUNBOOKS,
  logger: silentLogger(),
};
let drill: Drill | undefined;
afterEach(async () => {
  await drill?.close();
  drill = undefined;
});

/** Plays a script: [minutes since the previous message, message]. */
async function play(script: [number, string][]): Promise<Drill> {
  const opened = Drill.open(loadScenario(dir, 'checkout-gateway-timeouts'), deps);
  drill = opened.drill;
  for (const [minutes, message] of script) await drill.say(message, { advanceMinutes: minutes });
  return drill;
}

const GOOD: [number, string][] = [
  [2, "Sam: Declaring SEV1 — customers can't check out. I'm IC, Priya on comms, Omar is tech lead, Lee (scribe)."],
  [2, 'Omar: checking recent deploys for payment-api'],
  [2, 'Omar: Hypothesis: the v2.14.0 gateway client exhausts its connection pool'],
  [
    4,
    'Priya: Posting updates to all audiences: checkout failing for all customers since 13:55, suspect deploy identified, next update 14:25.',
  ],
  [2, 'Omar: Confirmed: pool exhausted on every pod since v2.14.0. Rolling back to v2.13.2 now.'],
  [6, 'Lee: error rate is back to normal, we are monitoring.'],
  [4, 'Priya: Posting updates to all audiences: mitigated by rolling back v2.14.0, payments succeeding again.'],
  [3, 'Sam: All clear, resolving the incident.'],
  [
    2,
    'Sam: Action items:\n- Add a canary stage for payment-api deploys, owner Omar, due in 2 weeks\n- Load test the gateway client pool, owner Priya, due in 3 weeks',
  ],
];

const BAD: [number, string][] = [
  [2, 'Omar: checking recent deploys for checkout'],
  [2, 'Omar: I think the gateway client is leaking connections'],
  [2, 'Omar: Rolling back v2.14.0'],
  [6, 'Sam: Declaring SEV2'],
  [2, 'Sam: IC: Sam, TL: Omar'],
  [30, 'Omar: still looking at the logs to be sure'],
  [2, 'Sam: resolved the incident'],
  [2, 'Sam: action item: add a canary stage'],
];

describe('game day: a scripted drill scored with the eval graders', () => {
  it('the scenarios shipped with the package all load', () => {
    expect(listScenarios(dir)).toEqual(['checkout-gateway-timeouts', 'search-index-lag']);
    for (const id of listScenarios(dir)) expect(loadScenario(dir, id).id).toBe(id);
  });

  it('a disciplined response scores high, with a blameless debrief', async () => {
    const result = await scoreDrill(await play(GOOD));
    expect(result.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(result.score).toBe(100);
    expect(result.stats).toMatchObject({
      declaredAtMinute: 2,
      rolesAtMinute: 2,
      impactEndedAtMinute: 16,
      resolvedAtMinute: 25,
      updates: { engineering: 2, executive: 2, customer: 2 },
      hypotheses: 1,
      actionItems: 2,
    });
    expect(result.debrief).toMatch(
      /^Game day debrief: Checkout failing after a payment gateway client upgrade\nScore: 100\/100 \(7 of 7 checks passed\)/,
    );
    expect(result.debrief).not.toMatch(/\b(?:Sam|Priya|Omar|Lee)\b/);
  });

  it('troubleshooting before roles and no updates score low, naming the rules broken', async () => {
    const result = await scoreDrill(await play(BAD));
    const failed = Object.fromEntries(result.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.why]));
    expect(Object.keys(failed).sort()).toEqual([
      'action_items_owned',
      'roles_before_troubleshooting',
      'severity_level',
      'timeboxes_kept',
      'updates_on_cadence',
    ]);
    expect(failed['roles_before_troubleshooting']).toBe('fetch_deploys ran before roles were assigned');
    expect(failed['severity_level']).toBe('INC-1 is SEV2, expected SEV1');
    expect(failed['updates_on_cadence']).toBe(
      '2 update window(s) missed: engineering update due 14:42 never sent; customer update due 14:42 never sent',
    );
    expect(failed['action_items_owned']).toMatch(
      /proposed without a named owner or a due date \("add a canary stage"\)/,
    );
    expect(failed['timeboxes_kept']).toBe('no hypothesis was put on the record with an owner and a time-box');
    expect(result.score).toBe(29);
    expect(result.debrief).toMatch(
      /To improve \(rules broken\):\n {2}✗ The right severity[\s\S]*✗ Roles before troubleshooting: fetch_deploys ran before roles were assigned\n {4}Why it matters: Without a named Incident Commander/,
    );
    expect(result.debrief).toMatch(/Next drill: practise "The right severity" first/);
  });

  it('does not accept an incident resolved on the record while customers are still affected', async () => {
    const result = await scoreDrill(
      await play([
        [2, 'Declaring SEV1. IC: Sam, comms: Priya, TL: Omar, scribe: Lee'],
        [5, 'Restarting the pods'],
        [5, 'resolved the incident'],
      ]),
    );
    expect(result.checks.find((c) => c.id === 'resolved')).toMatchObject({
      status: 'fail',
      why: expect.stringMatching(/^the incident was resolved on the record while customers were still affected/),
    });
  });

  it('applies a fix only when the team commits to it: not a question, not "don\'t roll back yet"', async () => {
    const opened = Drill.open(loadScenario(dir, 'checkout-gateway-timeouts'), deps);
    drill = opened.drill;
    await drill.say('Declaring SEV1, I am IC', { advanceMinutes: 2 });
    const held = await drill.say("Should we roll back? Don't roll back yet, we need the gateway logs first.", {
      advanceMinutes: 2,
    });
    expect(held.recorded).toEqual([expect.stringMatching(/decision/)]);
    expect(drill.wait(30).reveals.map((r) => r.text)).not.toContainEqual(
      expect.stringMatching(/^v2\.13\.2 is live again/),
    );
    await drill.say('Rolling back to v2.13.2', { advanceMinutes: 1 });
    expect(drill.wait(5).reveals.map((r) => r.text)).toContainEqual(expect.stringMatching(/^v2\.13\.2 is live again/));
  });

  it('applies any phrase the scenario names, not only the verbs the move reader knows, unless it is ruled out', async () => {
    const opened = Drill.open(loadScenario(dir, 'search-index-lag'), deps);
    drill = opened.drill;
    await drill.say('Declaring SEV2, I am IC', { advanceMinutes: 2 });
    await drill.say("Let's not stop the reindex yet; it is half done.", { advanceMinutes: 2 });
    expect(drill.wait(20).reveals.map((r) => r.text)).not.toContainEqual(expect.stringMatching(/^Reindex paused/));
    await drill.say('Lag is not dropping, so we stop the reindex now.', { advanceMinutes: 1 });
    expect(drill.wait(10).reveals.map((r) => r.text)).toContainEqual(expect.stringMatching(/^Reindex paused/));
  });

  it('matches a fix by the stems of its words, whatever their form', () => {
    expect(phraseIn('pause the reindex', 'Chen: pausing the reindex now')).toBe(true);
    expect(phraseIn('roll back', 'Rolling it back to v2.13.2')).toBe(true);
    expect(phraseIn('roll back', 'roll forward instead')).toBe(false);
    expect(phraseIn('revert', 'Reverting v2.14.0')).toBe(true);
    expect(phraseAt('roll back', "Don't roll it back")).toBe(6);
  });

  it('reveals symptoms on the clock, plays out a fix after its delay, and stops escalating once impact ends', async () => {
    const opened = Drill.open(loadScenario(dir, 'checkout-gateway-timeouts'), deps);
    drill = opened.drill;
    expect(opened.opening.map((r) => [r.atMinutes, r.from])).toEqual([[0, 'alert']]);
    const first = await drill.say('Declaring SEV1, I am IC', { advanceMinutes: 5 });
    expect(first.recorded[0]).toBe('INC-1 declared SEV1: "Checkout failing after a payment gateway client upgrade".');
    expect(first.reveals.map((r) => r.atMinutes)).toEqual([4]);
    const restart = await drill.say('Restarting the pods', { advanceMinutes: 6 });
    expect(restart.reveals.map((r) => r.atMinutes)).toEqual([9]);
    expect(drill.wait(3).reveals.map((r) => r.text)).toEqual([
      expect.stringMatching(/^Pods restarted: error rate dips/),
    ]);
    await drill.say('Rolling back to v2.13.2', { advanceMinutes: 1 });
    const after = drill.wait(60);
    expect(after.reveals.map((r) => r.text)).toEqual([
      "Is checkout down? Sales is asking what to tell customers. What's the impact and ETA?",
      expect.stringMatching(/^v2\.13\.2 is live again/),
    ]);
    expect(after.ended).toBe(false);
    expect(drill.wait(60).ended).toBe(true);
    await expect(drill.say('one more thing')).rejects.toThrow(/ended/);
  });
});
