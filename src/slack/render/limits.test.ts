import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../config/package-root.js';
import { viewOf } from '../../incident/view.js';
import { loadFramework } from '../../severity/framework.js';
import { DEFAULT_SETTINGS } from '../../soul/schema.js';
import type { IncidentRecord } from '../../store/types.js';
import { dueReminders } from '../reminders.js';
import { renderCustomerCard } from './customer-card.js';
import { renderHeadline } from './headline.js';
import { customerEditModal, declareModal } from './modals.js';
import { renderReminder, renderReminderDone, renderReminderSnoozed } from './reminder.js';
import { renderHelp, renderReply, renderUpdate } from './reply.js';

/**
 * Every message this app renders stays within Slack's documented limits, whatever the incident
 * holds: checked here by a reading of the limits written apart from the renderers (not their LIMITS).
 */

const SEVERITY = loadFramework(join(packageRoot(), 'config', 'severity.yaml'));
const NOW = new Date('2026-11-26T15:00:00.000Z');
const SEED = 1611;

type Json = Record<string, unknown>;

function violations(message: { text?: unknown; blocks?: unknown }, view = false): string[] {
  const out: string[] = [];
  const blocks = (message.blocks ?? []) as Json[];
  if (blocks.length > (view ? 100 : 50)) out.push(`${blocks.length} blocks`);
  if (typeof message.text === 'string' && message.text.length > 40_000) out.push('text over 40,000');
  const len = (t: unknown): number => (t as { text?: string } | undefined)?.text?.length ?? 0;
  const elementProblems = (e: Json): void => {
    if (e['type'] === 'button' && len(e['text']) > 75) out.push('button text over 75');
    if (e['type'] === 'button' && String(e['value'] ?? '').length > 2000) out.push('button value over 2000');
    if (String(e['action_id'] ?? '').length > 255) out.push('action_id over 255');
    if (e['type'] === 'static_select') {
      const options = (e['options'] ?? []) as Json[];
      if (options.length > 100) out.push('over 100 options');
      for (const o of options) {
        if (len(o['text']) > 75) out.push('option text over 75');
        if (String(o['value']).length > 150) out.push('option value over 150');
      }
    }
  };
  for (const b of blocks) {
    if (b['type'] === 'header' && len(b['text']) > 150) out.push('header over 150');
    if (b['type'] === 'header' && len(b['text']) === 0) out.push('empty header');
    if (b['type'] === 'section') {
      if (len(b['text']) > 3000) out.push('section text over 3000');
      const fields = (b['fields'] ?? []) as Json[];
      if (fields.length > 10) out.push('over 10 fields');
      if (fields.some((f) => len(f) > 2000)) out.push('field over 2000');
      if (!b['text'] && !fields.length) out.push('empty section');
      if (b['text'] && len(b['text']) === 0) out.push('section with empty text');
    }
    if (b['type'] === 'context') {
      const elements = (b['elements'] ?? []) as Json[];
      if (elements.length > 10 || elements.length === 0) out.push(`${elements.length} context elements`);
    }
    if (b['type'] === 'actions') {
      const elements = (b['elements'] ?? []) as Json[];
      if (elements.length > 25 || elements.length === 0) out.push(`${elements.length} action elements`);
      elements.forEach(elementProblems);
    }
  }
  // Nothing a person or a model typed may reach Slack as a broadcast mention.
  // (A form's prefilled input is the person's own words in an input box, which Slack never reads for mentions.)
  const shown = JSON.stringify(message, (key, value: unknown) => (key === 'initial_value' ? undefined : value));
  if (/<!(channel|here|everyone)/.test(shown)) out.push('unescaped broadcast mention');
  return out;
}

const hostile = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom(
    '<!channel> wake up',
    '<@U123|x>',
    '*bold* _it_ ~s~ `code`',
    '```\nstack\n```',
    '&lt;&gt;&amp;',
    '\u202eevil',
  ),
  fc.integer({ min: 2000, max: 60_000 }).map((n) => 'x '.repeat(n).slice(0, n)),
);
const nonEmpty = hostile.map((s) => s.trim() || 'x');

const at = (minutes: number): string => new Date(NOW.getTime() + minutes * 60_000).toISOString();

const record = fc
  .record({
    title: nonEmpty,
    severity: fc.constantFrom('SEV1', 'SEV2', 'SEV3', 'SEV4'),
    status: fc.constantFrom('investigating', 'identified', 'monitoring', 'resolved'),
    people: fc.array(fc.option(nonEmpty, { nil: null }), { minLength: 4, maxLength: 4 }),
    hypotheses: fc.array(nonEmpty, { maxLength: 120 }),
    items: fc.array(nonEmpty, { maxLength: 150 }),
    startedMinutesAgo: fc.integer({ min: 0, max: 600 }),
    resolution: hostile,
  })
  .map((r): IncidentRecord => {
    const started = at(-r.startedMinutesAgo);
    const resolved = r.status === 'resolved';
    const roles = ['incident_commander', 'communications_lead', 'technical_lead', 'scribe'].map((role, i) => ({
      incidentId: 'INC-7',
      role,
      person: r.people[i] ?? null,
      need: r.people[i] ? null : `Need someone: ${r.title}`,
      interim: i === 0,
      assignedAt: started,
      assignedBy: 'x',
    }));
    return {
      version: 3,
      incident: {
        id: 'INC-7',
        title: r.title,
        summary: r.title,
        severity: r.severity,
        status: r.status,
        services: ['payment-api'],
        impact: {
          customerFacing: true,
          usersAffectedPct: 40,
          usersAffected: null,
          revenueImpact: null,
          description: r.title,
        },
        signals: {},
        declaredBy: r.people[0] ?? 'someone',
        startedAt: started,
        detectedAt: started,
        acknowledgedAt: started,
        mitigatedAt: resolved ? NOW.toISOString() : null,
        resolvedAt: resolved ? NOW.toISOString() : null,
        createdAt: started,
        updatedAt: started,
        resolution: resolved ? r.resolution : null,
        postmortemPublishedAt: null,
        version: 3,
      },
      roles,
      history: [
        { incidentId: 'INC-7', at: started, from: null, to: r.severity, reason: r.title, author: 'x', criteria: [] },
      ],
      updates: [],
      items: r.items.map((title, i) => ({
        id: `AI-${i + 1}`,
        incidentId: 'INC-7',
        title,
        description: '',
        owner: r.people[1] ?? 'dana',
        dueAt: at(i * 60 - 300),
        kind: 'prevent',
        priority: 'P2',
        status: 'open',
        createdBy: 'x',
        createdAt: started,
        updatedAt: started,
        completedAt: null,
      })),
      hypotheses: r.hypotheses.map((statement, i) => ({
        id: `H-${i + 1}`,
        incidentId: 'INC-7',
        statement,
        owner: r.people[2] ?? 'lee',
        startedAt: at(-(i % 40)),
        timeboxMinutes: 15,
        status: 'open',
        resolvedAt: null,
        resolvedBy: null,
        evidence: '',
      })),
      drafts: [],
      timeline: [],
      timelineTotal: 0,
    };
  });

describe('Slack messages within Slack limits', () => {
  it('the headline and every reminder, for any incident (property)', () => {
    fc.assert(
      fc.property(record, (r) => {
        const view = viewOf(r, { settings: DEFAULT_SETTINGS, severity: SEVERITY }, NOW);
        const rendered = [
          renderHeadline(view, NOW),
          ...dueReminders(view, NOW).map((d) => renderReminder(view, d)),
          renderReminderDone('INC-7', r.incident.title, NOW.toISOString(), NOW),
          renderReminderSnoozed('INC-7', r.incident.title, r.incident.title, NOW.toISOString(), NOW),
        ];
        for (const m of rendered) expect(violations(m)).toEqual([]);
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('replies, updates, customer cards, help and forms, for any text (property)', () => {
    fc.assert(
      fc.property(hostile, hostile, (reply, notice) => {
        const messages = [
          renderReply(reply, [notice]),
          renderUpdate('INC-7', 'engineering', reply, notice || 'x', true),
          renderCustomerCard(
            {
              id: 'CD-1',
              incidentId: 'INC-7',
              revision: 3,
              text: reply,
              statuspage: null,
              status: 'pending',
              proposedBy: notice,
              editedBy: null,
              decidedBy: null,
              decidedAt: null,
              outcome: null,
            },
            NOW,
          ),
          renderHelp('/ic', notice, 'declare'),
        ];
        for (const m of messages) expect(violations(m)).toEqual([]);
        for (const v of [
          declareModal({ channel: null, incidentId: null }, reply),
          customerEditModal({ channel: null, incidentId: 'INC-7' }, reply),
        ]) {
          expect(violations(v, true)).toEqual([]);
          expect(v.title.text.length).toBeLessThanOrEqual(24);
          for (const b of v.blocks)
            if (b.type === 'input' && b.element.type === 'plain_text_input' && b.element.initial_value)
              expect(b.element.initial_value.length).toBeLessThanOrEqual(b.element.max_length ?? 3000);
        }
      }),
      { numRuns: 150, seed: SEED + 1 },
    );
  });

  it('the checker above can fail: it catches each limit broken on purpose', () => {
    expect(violations({ blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) })).toEqual(['51 blocks']);
    expect(violations({ blocks: [{ type: 'header', text: { text: 'h'.repeat(151) } }] })).toEqual(['header over 150']);
    expect(violations({ blocks: [{ type: 'section', text: { text: 's'.repeat(3001) } }] })).toEqual([
      'section text over 3000',
    ]);
    expect(violations({ text: '<!channel> hi' })).toEqual(['unescaped broadcast mention']);
  });
});
