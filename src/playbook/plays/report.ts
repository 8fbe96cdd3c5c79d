import { formatClock } from '../../core/time.js';
import { ALERT_NAME } from '../../runbooks/search.js';
import { bullets, joinList, numbered, section, sentence } from '../compose.js';
import { KIND_RESPONSES } from '../kinds.js';
import { failure, type Output, result } from '../outputs.js';
import { type Heard, senderName } from '../reading.js';
import { type KnownService, notMade, type Play, type PlaybookEnv, reply, type Step, type ToolCall } from '../step.js';
import { type Turn, tried } from '../turn.js';
import { pushbackLines } from './pushback.js';

const ROLE_FIELDS = {
  incident_commander: 'incidentCommander',
  communications_lead: 'communicationsLead',
  technical_lead: 'technicalLead',
  scribe: 'scribe',
} as const;

/** What customers would call the affected thing, and what they experience: never internal names. */
function customerWords(heard: Heard, service: KnownService | undefined): { summary?: string; impact?: string } {
  const topic =
    service?.displayName?.toLowerCase() ??
    (heard.subjectKind === 'revenue' && /pay/.test(heard.subject ?? '')
      ? 'payment processing'
      : (heard.subject ?? undefined));
  if (!topic) return {};
  const { state, share, partial } = heard.condition;
  const pct = share && share.pct < 100 ? ` for about ${share.pct}% of users` : partial ? ' for some users' : '';
  const thing = /payment processing/.test(topic) ? 'checkout' : topic;
  if (state === 'degraded')
    return {
      summary: `slowness and intermittent errors in ${topic}`,
      impact: `${thing} is slow or failing intermittently${pct}`,
    };
  if (state === 'failing') return { summary: `${topic} errors`, impact: `${thing} is unavailable${pct}` };
  return { summary: `issues with ${topic}` };
}

function deploySource(services: readonly string[], env: PlaybookEnv): KnownService | undefined {
  return services
    .map((s) => env.services.find((k) => k.name === s))
    .find((k): k is KnownService => k?.deploys === true);
}

/** A recovered blip is recorded, not paged; everything else gets the full response. */
function isBlip(heard: Heard): boolean {
  return heard.condition.state === 'recovered' && !heard.condition.security && !heard.condition.dataLoss;
}

/** The calls a new report needs, in order; later ones wait for the incident id. */
function reportCalls(turn: Turn, heard: Heard, env: PlaybookEnv): ToolCall[] {
  const description = heard.text.slice(0, 4000) || 'Reported in chat';
  if (env.allowed.has('classify_severity') && !tried(turn, 'classify_severity'))
    return [{ name: 'classify_severity', input: { ...heard.extraction.signals, description } }];
  const cls = result(turn, 'classify_severity');
  if (!tried(turn, 'open_incident')) {
    const started =
      heard.started && heard.started.at.getTime() <= turn.now.getTime()
        ? { startedAt: heard.started.at.toISOString() }
        : {};
    return [
      {
        name: 'open_incident',
        input: {
          title: (heard.title ?? 'Production incident').slice(0, 200),
          description,
          services: (cls?.services ?? heard.services).slice(0, 20),
          ...(cls ? { severity: cls.level, signals: cls.signals } : { signals: heard.extraction.signals }),
          reporter: senderName(turn),
          ...started,
        },
      },
    ];
  }
  const opened = result(turn, 'open_incident');
  if (!opened) return [];
  const id = opened.incident.id;
  const calls: ToolCall[] = [];
  const roles: Record<string, string> = {};
  for (const r of heard.roles) roles[ROLE_FIELDS[r.role]] = r.self ? senderName(turn) : r.person;
  calls.push({ name: 'assign_roles', input: { incidentId: id, ...roles } });
  if (isBlip(heard)) {
    calls.push({
      name: 'resolve_incident',
      input: { incidentId: id, resolution: `Recovered on its own: ${heard.title ?? description}`.slice(0, 2000) },
    });
    return calls;
  }
  calls.push({ name: 'find_similar_incidents', input: { incidentId: id, limit: 3 } });
  const source = deploySource(opened.incident.services, env);
  if (source) calls.push({ name: 'fetch_deploys', input: { service: source.name, incidentId: id } });
  const alert = heard.alert?.name ?? ALERT_NAME.exec(heard.text)?.[0];
  if (env.runbooks && (alert || opened.incident.services.length))
    calls.push({
      name: 'find_runbook',
      input: {
        ...(alert ? { alert } : {}),
        ...(opened.incident.services[0] ? { service: opened.incident.services[0] } : {}),
        query: (heard.title ?? description).slice(0, 500),
      },
    });
  const audience = opened.incident.impact.customerFacing ? 'customer' : 'engineering';
  const words = customerWords(
    heard,
    env.services.find((s) => opened.incident.services.includes(s.name)),
  );
  calls.push({
    name: 'draft_stakeholder_update',
    input: {
      incidentId: id,
      audience,
      ...(words.summary ? { customerSummary: words.summary } : {}),
      ...(words.impact ? { impact: words.impact } : {}),
    },
  });
  return calls;
}

/** A new problem: severity, incident, roles, deploys, first update — then the answer in the seed's shape. */
export const incidentReport: Play = {
  id: 'incident-report',
  applies: (heard) => heard.intents.includes('report'),
  next(turn, heard, env): Step {
    const pending = notMade(turn, env, reportCalls(turn, heard, env));
    if (pending.length) return { kind: 'tools', calls: pending };
    const opened = result(turn, 'open_incident');
    if (!opened)
      return reply(
        `I could not open the incident: ${failure(turn, 'open_incident') ?? 'unknown error'}\nTell me the affected service and what users see, and I will try again.`,
      );
    return reply(isBlip(heard) ? composeBlip(turn, heard, opened) : composeReport(turn, heard, env, opened));
  },
};

function composeBlip(_turn: Turn, heard: Heard, opened: Output<'open_incident'>): string {
  const inc = opened.incident;
  return [
    `Recorded as **${inc.id}** — ${inc.title} — **${inc.severity}**, resolved: it recovered on its own. No page.`,
    'A blip that heals itself is still worth understanding: it often comes back bigger.',
    section(
      'Worth doing while it is fresh:',
      bullets([
        'Note the exact window and the graphs that show it on the timeline.',
        'Check whether it lines up with a deploy, a config change, a cron job or a provider event.',
        'If it can recur without an alert firing, that is an action item: one owner, one due date.',
      ]),
    ),
    heard.started
      ? 'Did anyone outside the team notice it?'
      : 'When exactly did it start and stop, and did anyone outside the team notice?',
  ].join('\n\n');
}

function roleLines(roles: Output<'assign_roles'>, reporter: string): string[] {
  const interim = `${reporter} (until a dedicated IC joins)`;
  return roles.summary.map((line) =>
    line.endsWith(`: ${interim}`) ? `${line.slice(0, -interim.length)}You, until a dedicated IC joins` : line,
  );
}

function immediateActions(turn: Turn, heard: Heard, env: PlaybookEnv, opened: Output<'open_incident'>): string[] {
  const kind = heard.kind ?? 'availability';
  const deploys = result(turn, 'fetch_deploys');
  const deployError = failure(turn, 'fetch_deploys');
  const service = opened.incident.services[0];
  const known = service ? env.services.find((s) => s.name === service) : undefined;
  const actions: string[] = [];
  if (deploys?.suspects.length) {
    const top = deploys.deploys.find((d) => d.suspectRank === 1)!;
    actions.push(
      `Recent deployment: ${top.ref} "${top.summary}"${top.author ? ` by ${top.author}` : ''} ${top.note ?? ''}. If it matches the symptoms, roll it back now — don't debug in production.`,
    );
  } else if (deploys) {
    actions.push(
      `No deploys of ${deploys.service} in the ${deploys.windowMinutes} minutes before the start: check config and feature-flag changes, traffic and infrastructure instead.`,
    );
  } else if (kind !== 'security' && kind !== 'data_integrity') {
    actions.push(
      `Check whether this lines up with a recent deployment: run \`git log --since='2 hours ago'\`${service ? ` on ${service}` : ' on the affected service'}${deployError ? ` (I could not read it myself: ${deployError.split('\n')[0]})` : ''}.`,
    );
  }
  const also = kind === 'security' || kind === 'data_integrity' ? [] : KIND_RESPONSES.availability.moves.slice(1, 2);
  for (const move of [...KIND_RESPONSES[kind].moves, ...also])
    if (!actions.some((a) => a.slice(0, 30) === move.slice(0, 30))) actions.push(move);
  if (known?.dependencies.length) actions.push(`Check downstream dependencies: ${joinList([...known.dependencies])}.`);
  if (kind !== 'security' && kind !== 'data_integrity')
    actions.push("If a deploy caused this, roll back immediately — don't debug in production.");
  return [
    ...actions.slice(0, 6),
    `Time-box each hypothesis to ${env.settings.hypothesis_timebox_minutes} minutes; if it isn't confirmed by then, switch to the next one.`,
  ];
}

/** The one or two questions that decide the level — only when the answer could change it — else the kind's own. */
function closingQuestion(
  heard: Heard,
  cls: Output<'classify_severity'> | undefined,
  opened: Output<'open_incident'>,
): string {
  const kind = heard.kind ?? 'availability';
  if (kind === 'security' || kind === 'data_integrity' || opened.incident.severity === 'SEV1')
    return KIND_RESPONSES[kind].question;
  const assumed = cls?.openQuestions.filter((q) => cls.assumed.includes(q.signal)) ?? [];
  const couldRaise = cls?.openQuestions ?? [];
  const deciding = assumed.length ? assumed : couldRaise;
  if (deciding.length)
    return deciding
      .slice(0, 2)
      .map((q) => q.question)
      .join(' ');
  return KIND_RESPONSES[kind].question;
}

function composeReport(turn: Turn, heard: Heard, env: PlaybookEnv, opened: Output<'open_incident'>): string {
  const cls = result(turn, 'classify_severity');
  const roles = result(turn, 'assign_roles');
  const update = result(turn, 'draft_stakeholder_update');
  const inc = opened.incident;
  const level = inc.severity;
  const criteria = cls?.matchedCriteria.filter((c) => c.level === level).map((c) => c.description) ?? [];
  const why = criteria.length
    ? criteria.join('; ')
    : inc.signals.customerFacing
      ? 'customer-facing impact'
      : 'impact so far';
  const escalation = opened.escalation;
  const parts: string[] = [...pushbackLines(heard, env)];
  const kind =
    heard.kind && heard.kind !== 'availability' && heard.kind !== 'other'
      ? ` (${KIND_RESPONSES[heard.kind].label})`
      : '';
  parts.push(`Initiating incident response: **${inc.id}** — ${inc.title}${kind}.`);
  parts.push(
    `**Severity: ${level}** — ${sentence(why)}${escalation.triggered ? ` Escalation triggered: page ${joinList(escalation.page)}.` : ' No page: the owning team handles it.'}${
      cls?.basis === 'raised_when_unsure'
        ? ` Raised because it may be worse than the known facts show — ${cls.openQuestions
            .filter((q) => cls.assumed.includes(q.signal))
            .map((q) => q.question)
            .join(' ')}`
        : ''
    }`,
  );
  if (KIND_RESPONSES[heard.kind ?? 'other'].involve && (heard.kind === 'security' || heard.kind === 'data_integrity'))
    parts.push(`Bring in now: ${KIND_RESPONSES[heard.kind].involve}.`);
  const next = escalation.triggers.find((t) => !t.due && t.at);
  if (next?.at)
    parts.push(`If not mitigated by ${formatClock(next.at, turn.now)}: ${next.action.replace(/^[^—]*— /, '')}`);
  if (roles) parts.push(section('Roles assigned:', bullets(roleLines(roles, inc.declaredBy))));
  else
    parts.push(
      section(
        'Roles:',
        bullets([
          'IC: you, until a dedicated IC joins',
          'Comms, Tech Lead, Scribe: name them before anyone starts debugging',
        ]),
      ),
    );
  parts.push(section('Immediate actions:', numbered(immediateActions(turn, heard, env, opened))));
  const runbook = result(turn, 'find_runbook');
  const best = runbook?.runbooks[0];
  if (best) {
    const firstSteps = (best.steps ?? '')
      .split('\n')
      .filter((l) => /^\s*(?:\d+[.)]|[-*]|#)/.test(l))
      .slice(0, 6);
    parts.push(
      section(
        `Runbook: ${best.title} (${best.file}, owner ${best.owner}${best.stale ? `, NOT tested for ${best.daysSinceTest ?? 'ever'} days — verify each step` : ''}):`,
        `> ${firstSteps.join('\n> ')}`,
      ),
    );
  } else if (runbook?.missing) parts.push(`No runbook: ${runbook.missing}`);
  if (update) {
    const due = update.nextUpdateAt
      ? ` Next update due ${formatClock(update.nextUpdateAt, turn.now)} (every ${update.cadenceMinutes} min).`
      : '';
    parts.push(
      section(
        `Stakeholder update (${update.audience}):`,
        `> ${update.body.split('\n').filter(Boolean).join('\n> ')}\n${due.trim()}`,
      ),
    );
  } else if (opened.cadenceMinutes.customer) {
    parts.push(
      `Stakeholder update: customers every ${opened.cadenceMinutes.customer} minutes, even if nothing changed.`,
    );
  }
  const similar = result(turn, 'find_similar_incidents');
  if (similar?.matches.length) {
    const first = similar.matches[0]!;
    parts.push(
      section(
        'Seen before:',
        bullets([
          `${first.id} "${first.title}" (${first.severity}, ${first.status})${first.resolution ? ` — resolved by: ${first.resolution}` : ''}. Check that first.`,
          ...similar.unfinishedFixes.map(
            (f) =>
              `Unfinished fix: ${f}. If this is a repeat, that is the lead — and the post-mortem will ask why it is still open.`,
          ),
        ]),
      ),
    );
  }
  if (opened.warnings.length) parts.push(section('Heads-up:', bullets(opened.warnings)));
  parts.push(closingQuestion(heard, cls, opened));
  return parts.join('\n\n');
}
