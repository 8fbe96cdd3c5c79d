import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run.js';
import type { Transcript } from './transcript.js';

/**
 * Every kind of bad reply the grader review found passing (issue 14), replayed through the suite
 * the way CI would see it: record the offline run of a case, put the bad reply in its transcript,
 * and `eval --target replay` must fail that case, naming the grader.
 */

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    readStdin: async () => '',
    env: { INCIDENT_COMMANDER_LOG_LEVEL: 'silent' },
    cwd: process.cwd(),
  });
  return { code, out, err };
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ic-bad-replies-'));
  const { code } = await cli([
    'eval',
    '--filter',
    '^(seed-payment-outage|blame-whose-fault|postmortem-within-48h|timebox-hypothesis-over-budget|action-item-owner-follow-up)$',
    '--record',
    join(dir, 'good'),
  ]);
  expect(code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Replays one case with the reply of one turn replaced; returns the report's lines for that case. */
async function replayWith(caseId: string, turn: number, reply: string): Promise<{ code: number; rows: string[] }> {
  const runDir = mkdtempSync(join(dir, 'bad-'));
  const t = JSON.parse(readFileSync(join(dir, 'good', `${caseId}.run1.json`), 'utf8')) as Transcript;
  t.turns[turn]!.reply = reply;
  writeFileSync(join(runDir, `${caseId}.run1.json`), JSON.stringify(t));
  const { code, out } = await cli(['eval', '--target', 'replay', '--transcripts', runDir, '--filter', `^${caseId}$`]);
  return { code, rows: out.split('\n').filter((l) => l.startsWith(caseId)) };
}

const SEED = `Initiating incident response.

**Roles assigned:**
- IC: you, until a dedicated IC joins
- Comms: need someone to update the status page every 15 minutes
- Tech Lead: need an engineer with payment-api ownership
- Scribe: need someone to record every action

**Immediate actions:**
1. Check the recent deploy of payment-api; if it matches, roll back — don't debug in production.
2. Time-box each hypothesis to 15 minutes.

**Stakeholder update:** "We are investigating payment errors. Next update in 15 minutes."

What do your error logs show?`;

const KINDS: { kind: string; caseId: string; turn: number; reply: string; grader: RegExp }[] = [
  {
    kind: 'blame that puts the outage "on" a person, without "fault" or "blame"',
    caseId: 'blame-whose-fault',
    turn: 0,
    reply: 'Honestly, the outage is on Dave. What let one change reach production unchecked?',
    grader: /no_blame\s+FAIL/,
  },
  {
    kind: 'blame through a possessive and a damage verb',
    caseId: 'blame-whose-fault',
    turn: 0,
    reply: "Thanks to Priya's typo checkout was down; Dave's change took prod down before that.",
    grader: /no_blame\s+FAIL/,
  },
  {
    kind: 'the required severity only inside a negation',
    caseId: 'seed-payment-outage',
    turn: 0,
    reply: `**Severity:** this is not a SEV1 — no need to panic. Escalation triggered: paging the on-call IC.\n\n${SEED}`,
    grader: /severity_stated\s+FAIL/,
  },
  {
    kind: 'the required severity downgraded in a later clause',
    caseId: 'seed-payment-outage',
    turn: 0,
    reply: `**Severity: SEV1** — actually, make that SEV3. Escalation triggered: paging the on-call IC.\n\n${SEED}`,
    grader: /severity_stated\s+FAIL/,
  },
  {
    kind: 'all four roles named only to be dismissed',
    caseId: 'seed-payment-outage',
    turn: 0,
    reply: `**Severity: SEV1** — escalation triggered: paging the on-call IC.\n\nYou don't need an IC, Comms, a Tech Lead or a Scribe for this — just dig in. Check the deploy and roll back; time-box each hypothesis to 15 minutes. Comms can update customers every 15 minutes; next update in 15 minutes.\n\nWhat do your error logs show?`,
    grader: /roles_named\s+FAIL\s+roles named only to be dismissed/,
  },
  {
    kind: 'a time-box stretched to hours in a later sentence',
    caseId: 'timebox-hypothesis-over-budget',
    turn: 1,
    reply:
      "That's past the 15-minute time-box for the database theory. Since it looks promising, give it another couple of hours before you switch to the next hypothesis; mark the others parked. I've logged the decision.\n\nWhat is the next most likely cause?",
    grader: /timebox_within\s+FAIL\s+time-box of 120 min/,
  },
  {
    kind: 'a time-box written in hours ("2 hours")',
    caseId: 'seed-payment-outage',
    turn: 0,
    reply: `**Severity: SEV1** — escalation triggered: paging the on-call IC.\n\n${SEED.replace('Time-box each hypothesis to 15 minutes.', 'Time-box each hypothesis to 2 hours.')}`,
    grader: /timebox_within\s+FAIL/,
  },
  {
    kind: 'an action item whose owner is a placeholder',
    caseId: 'action-item-owner-follow-up',
    turn: 3,
    reply: '**Tracked on INC-1:**\n- AI-1 alert on checkout error rate — owner TBD, due 2026-03-24 — Priya to confirm',
    grader: /action_items_owned\s+FAIL\s+action item owner "TBD/,
  },
  {
    kind: 'a sentence saying nobody should be paged, counted as escalation',
    caseId: 'seed-payment-outage',
    turn: 0,
    reply: `**Severity: SEV1.** Nobody should be paged yet — let's see if it clears.\n\n${SEED}`,
    grader: /escalation_stated\s+FAIL/,
  },
  {
    kind: 'a mention of the status page counted as escalation',
    caseId: 'seed-payment-outage',
    turn: 0,
    reply: `**Severity: SEV1.** Keep the status page current.\n\n${SEED}`,
    grader: /escalation_stated\s+FAIL/,
  },
  {
    kind: 'a post-mortem deadline in other units ("in three weeks")',
    caseId: 'postmortem-within-48h',
    turn: 2,
    reply:
      'INC-1 is resolved and on the timeline. Schedule the post-mortem in three weeks — a timeline, an impact assessment and action items, each with one owner and a due date.',
    grader: /FAIL\s+post-mortem deadline of 504 h/,
  },
];

describe('bad replies replayed through the suite fail their case', () => {
  it.each(KINDS)('$kind', async ({ caseId, turn, reply, grader }) => {
    const { code, rows } = await replayWith(caseId, turn, reply);
    expect(code, rows.join('\n')).toBe(1);
    expect(
      rows.some((r) => grader.test(r)),
      rows.join('\n'),
    ).toBe(true);
    expect(
      rows.some((r) => /= case\s+FAIL/.test(r)),
      rows.join('\n'),
    ).toBe(true);
  });

  it("the seed's own example reply passes its case", async () => {
    const soul = readFileSync(join(process.cwd(), 'SOUL.md'), 'utf8');
    const example = soul.slice(
      soul.indexOf('Initiating incident response.'),
      soul.indexOf('What do your error logs show?') + 29,
    );
    const { code, rows } = await replayWith('seed-payment-outage', 0, example);
    // Only the tool-call graders can fail: the recorded run's tool calls are the playbook's, and they pass too.
    expect(
      rows.filter((r) => /FAIL/.test(r)),
      rows.join('\n'),
    ).toEqual([]);
    expect(code).toBe(0);
  });

  it('the recorded good runs pass the same replay', async () => {
    const { code, out } = await cli([
      'eval',
      '--target',
      'replay',
      '--transcripts',
      join(dir, 'good'),
      '--filter',
      'seed-payment-outage|blame-whose-fault|postmortem-within-48h|timebox-hypothesis-over-budget|action-item-owner-follow-up',
    ]);
    expect(out).toMatch(/ 0 fail, 0 error/);
    expect(code).toBe(0);
  });
});
