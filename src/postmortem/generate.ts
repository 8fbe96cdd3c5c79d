import { formatClock, formatMinutes, minutesBetween } from '../core/time.js';
import { findBlame, withoutBlame, withoutQuotes, type BlameFinding } from '../incident/blameless.js';
import { titleSimilarity } from '../incident/action-items.js';
import { durations, postmortemDueAt, type Durations } from '../incident/durations.js';
import type { SeverityLevel } from '../severity/framework.js';
import type {
  ActionItem,
  Hypothesis,
  Incident,
  RoleAssignment,
  SeverityChange,
  StakeholderUpdate,
  TimelineEvent,
} from '../store/types.js';

export interface PostmortemInput {
  incident: Incident;
  level: SeverityLevel;
  roles: readonly RoleAssignment[];
  history: readonly SeverityChange[];
  updates: readonly StakeholderUpdate[];
  items: readonly ActionItem[];
  hypotheses: readonly Hypothesis[];
  timeline: readonly TimelineEvent[];
  deadlineHours: number;
  timeboxMinutes: number;
  now: Date;
  /** What the team wrote; derived from the record where absent. */
  whys?: readonly string[] | undefined;
  factors?: readonly { category: string; factor: string; guardrail: string }[] | undefined;
  wentWell?: readonly string[] | undefined;
  wentBadly?: readonly string[] | undefined;
  /** At most this many timeline entries in the markdown (the CLI passes none: all of them). */
  timelineLimit?: number | undefined;
}

export interface Factor {
  category: string;
  factor: string;
  /** The guardrail that was missing: what would have prevented, caught or contained it. */
  guardrail: string;
  derived: boolean;
}

export interface Postmortem {
  markdown: string;
  summary: string;
  impact: {
    severity: string;
    customerFacing: boolean | null;
    usersAffected: number | null;
    usersAffectedPct: number | null;
    revenueImpact: number | null;
    durationMinutes: number | null;
  };
  durations: Durations;
  whys: { question: string; answer: string; derived: boolean }[];
  factors: Factor[];
  wentWell: string[];
  wentBadly: string[];
  actionItems: ActionItem[];
  /** Guardrails no action item covers yet: they need an owner and a due date before they count. */
  proposed: string[];
  blameless: { clean: boolean; findings: BlameFinding[] };
  dueAt: string | null;
  /** Why the post-mortem cannot be published yet; empty when it can. */
  missing: string[];
}

const CHANGE =
  /\b(?:deploy\w*|release\w*|config\w*|migration\w*|roll(?:ed)? ?back|revert\w*|feature flag|flag flip|v\d+\.\d+)/i;
const LIMITS =
  /\b(?:pool|timeouts?|capacity|memory|oom|disk|rate[- ]limit\w*|quota|connections?|saturat\w*|exhaust\w*|queue depth)\b/i;

function clock(at: string | null, now: Date): string {
  return at ? formatClock(at, now) : '—';
}

/** Updates that went out later than the cadence (2 minutes of grace), per audience, while the incident was live. */
function lateUpdates(input: PostmortemInput): number {
  let late = 0;
  for (const audience of ['engineering', 'executive', 'customer'] as const) {
    const cadence = input.level.cadence_minutes[audience];
    if (!cadence) continue;
    let last = input.incident.createdAt;
    const end = input.incident.resolvedAt ?? input.now.toISOString();
    for (const u of input.updates.filter((x) => x.audience === audience)) {
      if (minutesBetween(last, u.at) > cadence + 2) late++;
      last = u.at;
    }
    if (minutesBetween(last, end) > cadence + 2) late++;
  }
  return late;
}

/** Contributing factors read from the record, each with the guardrail that was missing. */
export function deriveFactors(input: PostmortemInput, d: Durations): Factor[] {
  const { incident, now } = input;
  const services = incident.services.join(', ') || 'the affected service';
  const factors: Factor[] = [];
  const texts = [
    ...input.hypotheses.filter((h) => h.status === 'confirmed').map((h) => h.statement),
    ...input.timeline.map((e) => e.text),
    incident.summary,
  ];
  const change =
    input.hypotheses.find((h) => h.status === 'confirmed' && CHANGE.test(h.statement))?.statement ??
    texts.find((t) => CHANGE.test(t));
  if (change) {
    factors.push({
      category: 'Change',
      factor: withoutBlame(change) || 'A change reached production',
      guardrail: `A staged rollout (canary) for ${services} with automatic rollback on an error-rate regression, and validation of config changes before they ship`,
      derived: true,
    });
  }
  const limits = texts.find((t) => LIMITS.test(t));
  if (limits)
    factors.push({
      category: 'Limits',
      factor: withoutBlame(limits) || 'A resource ran out',
      guardrail:
        'Explicit limits and timeouts, with alerts that fire before saturation (pools, memory, disk, rate limits)',
      derived: true,
    });
  if (d.timeToDetectMinutes !== null && d.timeToDetectMinutes > 5) {
    factors.push({
      category: 'Detection',
      factor: `Impact began ${clock(incident.startedAt, now)} and was noticed ${clock(incident.detectedAt, now)}: ${formatMinutes(d.timeToDetectMinutes)} without an alert`,
      guardrail: `An SLO burn-rate alert on ${services} that pages within 5 minutes of customer impact`,
      derived: true,
    });
  }
  if (
    d.timeToMitigateMinutes !== null &&
    d.timeToAcknowledgeMinutes !== null &&
    d.timeToMitigateMinutes - (d.timeToDetectMinutes ?? 0) - d.timeToAcknowledgeMinutes > 30
  ) {
    factors.push({
      category: 'Mitigation',
      factor: `Mitigation took ${formatMinutes(d.timeToMitigateMinutes)} from the start of impact`,
      guardrail: `A tested runbook for ${services} with a one-step rollback`,
      derived: true,
    });
  }
  const late = lateUpdates(input);
  if ((d.timeToAcknowledgeMinutes ?? 0) > 10 || late > 0) {
    factors.push({
      category: 'Coordination',
      factor: [
        (d.timeToAcknowledgeMinutes ?? 0) > 10
          ? `roles were assigned ${formatMinutes(d.timeToAcknowledgeMinutes!)} after detection`
          : '',
        late ? `${late} stakeholder update(s) went out late` : '',
      ]
        .filter(Boolean)
        .join('; '),
      guardrail:
        "Roles assigned in the first 5 minutes, and a Communications Lead with update reminders on the severity's cadence",
      derived: true,
    });
  }
  const overran = input.hypotheses.filter(
    (h) => minutesBetween(h.startedAt, h.resolvedAt ?? input.now.toISOString()) > h.timeboxMinutes,
  );
  if (overran.length)
    factors.push({
      category: 'Process',
      factor: `${overran.length} hypothesis(es) ran past the ${input.timeboxMinutes}-minute time-box`,
      guardrail: 'Time-box each hypothesis and switch when the box ends; the IC calls time',
      derived: true,
    });
  return factors;
}

function deriveWhys(
  input: PostmortemInput,
  factors: readonly Factor[],
  d: Durations,
): { question: string; answer: string; derived: boolean }[] {
  const confirmed = input.hypotheses.find((h) => h.status === 'confirmed');
  const byCategory = (c: string): Factor | undefined => factors.find((f) => f.category === c);
  const impact = withoutBlame(input.incident.impact.description) || withoutBlame(input.incident.title) || 'the failure';
  return [
    {
      question: `Why did users see ${impact.replace(/[.]$/, '')}?`,
      answer: confirmed
        ? `Because ${withoutBlame(confirmed.statement) || confirmed.statement}.`
        : 'The cause is still to be confirmed from the evidence.',
      derived: true,
    },
    {
      question: 'Why could that happen in production?',
      answer: byCategory('Change')?.guardrail
        ? `Nothing stopped the change: missing ${byCategory('Change')!.guardrail.charAt(0).toLowerCase()}${byCategory('Change')!.guardrail.slice(1)}.`
        : byCategory('Limits')
          ? `A limit was reached with no headroom or alert: ${byCategory('Limits')!.factor}.`
          : 'To be answered in the review.',
      derived: true,
    },
    {
      question: 'Why did we not detect it sooner?',
      answer:
        byCategory('Detection')?.factor ??
        (d.timeToDetectMinutes !== null
          ? `Detection took ${formatMinutes(d.timeToDetectMinutes)}, which is acceptable.`
          : 'To be answered in the review.'),
      derived: true,
    },
    {
      question: 'Why did mitigation take as long as it did?',
      answer:
        byCategory('Mitigation')?.factor ??
        (d.timeToMitigateMinutes !== null
          ? `Mitigation took ${formatMinutes(d.timeToMitigateMinutes)}.`
          : 'Not mitigated yet.'),
      derived: true,
    },
    {
      question: 'Why could one fault affect this many users?',
      answer:
        'Nothing limited the blast radius: no canary, cell or feature flag stood between the fault and every user. (Confirm in the review.)',
      derived: true,
    },
  ];
}

function tree(input: PostmortemInput, factors: readonly Factor[]): string {
  const lines = [
    `- Customer impact: ${withoutBlame(input.incident.title) || input.incident.title} (${input.incident.severity})`,
  ];
  for (const category of [...new Set(factors.map((f) => f.category))]) {
    lines.push(`  - ${category}`);
    for (const f of factors.filter((x) => x.category === category)) {
      lines.push(`    - ${f.factor}`);
      lines.push(`      - Missing guardrail: ${f.guardrail}`);
    }
  }
  return lines.join('\n');
}

/** Pure: the blameless post-mortem draft of one incident, from its stored record. */
export function generatePostmortem(input: PostmortemInput): Postmortem {
  const { incident, now } = input;
  const d = durations(incident);
  const factors = [...(input.factors ?? []).map((f) => ({ ...f, derived: false })), ...deriveFactors(input, d)];
  const whys = input.whys?.length
    ? input.whys.map((answer, i) => ({ question: `Why ${i + 1}`, answer, derived: false }))
    : deriveWhys(input, factors, d);
  const late = lateUpdates(input);
  const wentWell =
    input.wentWell?.slice() ??
    [
      (d.timeToAcknowledgeMinutes ?? 99) <= 10
        ? `Roles were assigned ${formatMinutes(d.timeToAcknowledgeMinutes ?? 0)} after detection.`
        : '',
      late === 0 && input.updates.length ? 'Stakeholder updates went out on the cadence.' : '',
      d.timeToMitigateMinutes !== null && d.timeToMitigateMinutes <= 30
        ? `Customer impact was stopped within ${formatMinutes(d.timeToMitigateMinutes)}.`
        : '',
      input.hypotheses.some((h) => h.status === 'confirmed') ? 'The cause was confirmed by evidence, not assumed.' : '',
    ].filter(Boolean);
  const wentBadly =
    input.wentBadly?.slice() ??
    [
      (d.timeToDetectMinutes ?? 0) > 5 ? `Detection took ${formatMinutes(d.timeToDetectMinutes!)}.` : '',
      late ? `${late} stakeholder update(s) went out late.` : '',
      (d.timeToAcknowledgeMinutes ?? 0) > 10
        ? `Roles were assigned ${formatMinutes(d.timeToAcknowledgeMinutes!)} after detection.`
        : '',
      factors.some((f) => f.category === 'Process') ? 'Hypotheses ran past their time-box.' : '',
    ].filter(Boolean);
  const proposed = [...new Set(factors.map((f) => f.guardrail))].filter(
    (g) => !input.items.some((i) => titleSimilarity(i.title, g) >= 0.3),
  );
  const dueAt = postmortemDueAt(incident, input.deadlineHours);
  const summary =
    withoutBlame(incident.summary) ||
    `${withoutBlame(incident.title) || incident.title}. ${incident.resolution ? `Resolved by: ${withoutBlame(incident.resolution) || incident.resolution}.` : ''}`.trim();

  const shown =
    input.timelineLimit && input.timeline.length > input.timelineLimit
      ? selectTimeline(input.timeline, input.timelineLimit)
      : input.timeline;
  const md: string[] = [];
  md.push(`# Post-mortem: ${incident.id} ${withoutBlame(incident.title) || incident.title}`);
  md.push(
    `Blameless by default: this review looks for the guardrails that were missing — alerts, tests, limits, reviews — never for who made a mistake. Every incident is a chance to make the organisation more resilient. ${
      dueAt
        ? `The post-mortem is due by ${formatClock(dueAt, now)}, within ${input.deadlineHours} hours of resolution${incident.postmortemPublishedAt ? ` (published ${formatClock(incident.postmortemPublishedAt, now)})` : ''}.`
        : `The post-mortem is due within ${input.deadlineHours} hours of resolution; ${incident.id} is still ${incident.status}.`
    }`,
  );
  md.push(`## Summary\n${summary}`);
  md.push(
    [
      '## Impact assessment',
      `- Severity: ${incident.severity} (${input.level.name})${input.history.length > 1 ? `; history ${input.history.map((h) => h.to).join(' → ')}` : ''}`,
      `- Customer-facing: ${incident.impact.customerFacing === null ? 'unknown — confirm' : incident.impact.customerFacing ? 'yes' : 'no'}`,
      `- Duration of impact: ${d.timeToResolveMinutes !== null ? formatMinutes(d.timeToResolveMinutes) : 'ongoing'} (${clock(incident.startedAt, now)} → ${clock(incident.resolvedAt, now)})`,
      `- Users affected: ${incident.impact.usersAffected ?? (incident.impact.usersAffectedPct !== null ? `${incident.impact.usersAffectedPct}%` : 'unknown — take it from the metrics')}`,
      `- Revenue affected: ${incident.impact.revenueImpact ?? 'unknown — ask finance for the estimate'}`,
      `- Time to detect ${d.timeToDetectMinutes !== null ? formatMinutes(d.timeToDetectMinutes) : '—'}; to acknowledge ${d.timeToAcknowledgeMinutes !== null ? formatMinutes(d.timeToAcknowledgeMinutes) : '—'}; to mitigate ${d.timeToMitigateMinutes !== null ? formatMinutes(d.timeToMitigateMinutes) : '—'}; to resolve ${d.timeToResolveMinutes !== null ? formatMinutes(d.timeToResolveMinutes) : '—'}`,
    ].join('\n'),
  );
  md.push(
    [
      `## Timeline${shown.length < input.timeline.length ? ` (${shown.length} key entries of ${input.timeline.length}; the full timeline: incident-commander postmortem ${incident.id})` : ''}`,
      ...shown.map(
        (e) =>
          `- ${formatClock(e.at, now)} ${e.kind}: ${withoutBlame(e.text) || '(entry named a person as the cause; rewrite it as what the system allowed)'}`,
      ),
    ].join('\n'),
  );
  md.push(
    [
      '## Contributing factors',
      '### 5 Whys',
      ...whys.map(
        (w, i) =>
          `${i + 1}. **${w.question}** ${w.answer}${w.derived ? ' _(draft from the record — confirm with the team)_' : ''}`,
      ),
      '### Contributing-factor tree',
      tree(input, factors),
    ].join('\n'),
  );
  md.push(
    [
      '## What went well',
      ...(wentWell.length ? wentWell.map((x) => `- ${x}`) : ['- (to fill in with the team)']),
      '## What went badly',
      ...(wentBadly.length ? wentBadly.map((x) => `- ${x}`) : ['- (to fill in with the team)']),
    ].join('\n'),
  );
  md.push(
    [
      '## Action items',
      ...(input.items.length
        ? input.items.map(
            (i) =>
              `- ${i.id} ${i.title} — owner ${i.owner}, due ${i.dueAt.slice(0, 10)} (${i.kind}, ${i.priority}, ${i.status.replace('_', ' ')})`,
          )
        : ['- None yet: every guardrail below needs one owner and a due date.']),
      ...(proposed.length
        ? ['### Proposed (not tracked until they have an owner and a due date)', ...proposed.map((p) => `- ${p}`)]
        : []),
    ].join('\n'),
  );
  const markdown = md.join('\n\n');
  // Timeline lines went through withoutBlame already; check everything else (the part people write).
  const findings = findBlame(withoutQuotes(md.filter((section) => !section.startsWith('## Timeline')).join('\n\n')));
  const missing = [
    ...(incident.status !== 'resolved' ? ['the incident is not resolved'] : []),
    ...(input.items.length === 0 ? ['at least one action item with an owner and a due date'] : []),
    ...(findings.length ? [`blameless wording: ${findings.length} sentence(s) name a person as the cause`] : []),
  ];
  const withCheck = `${markdown}\n\n## Blameless check\n${findings.length ? findings.map((f) => `- "${f.sentence}" — ${f.suggestion}`).join('\n') : '- Clean: no sentence names a person as the cause.'}\n`;
  return {
    markdown: withCheck,
    summary,
    impact: {
      severity: incident.severity,
      customerFacing: incident.impact.customerFacing,
      usersAffected: incident.impact.usersAffected,
      usersAffectedPct: incident.impact.usersAffectedPct,
      revenueImpact: incident.impact.revenueImpact,
      durationMinutes: d.timeToResolveMinutes,
    },
    durations: d,
    whys,
    factors,
    wentWell,
    wentBadly,
    actionItems: [...input.items],
    proposed,
    blameless: { clean: findings.length === 0, findings },
    dueAt,
    missing,
  };
}

const KEY_KINDS = new Set([
  'declared',
  'severity',
  'roles',
  'status',
  'hypothesis',
  'decision',
  'action',
  'escalation',
  'milestone',
  'action_item',
]);

/** The entries a reader needs first: milestones, decisions and actions, then the rest, up to `limit`, in time order. */
function selectTimeline(events: readonly TimelineEvent[], limit: number): TimelineEvent[] {
  const key = events.filter((e) => KEY_KINDS.has(e.kind));
  const chosen =
    key.length >= limit
      ? key.slice(0, Math.ceil(limit / 2)).concat(key.slice(-Math.floor(limit / 2)))
      : key.concat(events.filter((e) => !KEY_KINDS.has(e.kind)).slice(0, limit - key.length));
  return chosen.sort((a, b) => a.at.localeCompare(b.at) || a.seq - b.seq);
}
