import { formatClock } from '../../core/time.js';
import type { Signals } from '../../severity/signals.js';
import { bullets, joinList, numbered, section, sentence, titleFrom } from '../compose.js';
import type { Reading } from '../intent.js';
import { failure, result, type Output } from '../outputs.js';
import { call, reply, type KnownService, type Play, type PlaybookEnv, type Step } from '../step.js';
import { tried, type Turn } from '../turn.js';
import { ALERT_NAME } from '../../runbooks/search.js';

/** What customers would call the affected thing: "payment processing", "checkout", "sign-in", or the service's display name. */
function customerTopic(text: string, reading: Reading, service: KnownService | undefined): string | undefined {
  const { evidence, signals } = reading.extraction;
  const lower = text.toLowerCase();
  if (signals.revenuePath && /\bpay(?:ments?)?\b/.test(lower)) return 'payment processing';
  if (signals.revenuePath && /\bcheck[- ]?outs?\b/.test(lower)) return 'checkout';
  if (/\b(?:log ?in|sign[- ]?in|auth\w*|sso)\b/.test(lower)) return 'sign-in';
  const source = [evidence.revenuePath, evidence.criticalFunction].find(
    (e) => e && !e.startsWith('config:') && !e.startsWith('not '),
  );
  return service?.displayName?.toLowerCase() ?? source;
}

/** The customer-facing words for the problem and its impact: "payment processing errors", "checkout is unavailable". */
function customerWords(
  text: string,
  reading: Reading,
  service: KnownService | undefined,
): { summary?: string; impact?: string } {
  const topic = customerTopic(text, reading, service);
  if (!topic) return {};
  const { state, usersAffectedPct } = reading.extraction.signals;
  const share =
    usersAffectedPct !== undefined && usersAffectedPct < 100 ? ` for about ${usersAffectedPct}% of users` : '';
  const thing = /check[- ]?out|payment/.test(topic) ? 'checkout' : topic;
  if (state === 'degraded')
    return {
      summary: `slowness and intermittent errors in ${topic}`,
      impact: `${thing} is slow or failing intermittently${share}`,
    };
  if (state === 'down') return { summary: `${topic} errors`, impact: `${thing} is unavailable${share}` };
  return { summary: `issues with ${topic}` };
}

function deploySource(services: readonly string[], env: PlaybookEnv): KnownService | undefined {
  return services
    .map((s) => env.services.find((k) => k.name === s))
    .find((k): k is KnownService => k?.deploys === true);
}

function immediateActions(
  signals: Signals,
  services: readonly string[],
  deploys: Output<'fetch_deploys'> | undefined,
  deployError: string | undefined,
  env: PlaybookEnv,
): string[] {
  const service = services[0];
  const known = service ? env.services.find((s) => s.name === service) : undefined;
  const actions: string[] = [];
  if (signals.securityBreach)
    actions.push(
      'Page the security on-call now. Preserve evidence (logs, disk snapshots) — do not wipe or rebuild hosts yet — and rotate any exposed credentials.',
    );
  if (signals.dataLoss)
    actions.push(
      'Protect the data first: pause the job or writes that lose data, and snapshot the database before any repair.',
    );
  if (deploys?.suspects.length) {
    const top = deploys.deploys.find((d) => d.suspectRank === 1)!;
    actions.push(
      `Recent deployment: ${top.ref} "${top.summary}"${top.author ? ` by ${top.author}` : ''} ${top.note ?? ''}. If it matches the symptoms, roll it back now — don't debug in production.`,
    );
  } else if (deploys) {
    actions.push(
      `No deploys of ${deploys.service} in the ${deploys.windowMinutes} minutes before the start: check config and feature-flag changes, traffic and infrastructure instead.`,
    );
  } else {
    actions.push(
      `Check whether this lines up with a recent deployment: run \`git log --since='2 hours ago'\`${service ? ` on ${service}` : ' on the affected service'}${deployError ? ` (I could not read it myself: ${deployError.split('\n')[0]})` : ''}.`,
    );
  }
  if (signals.usersAffectedPct === undefined || signals.usersAffectedPct < 100) {
    actions.push(
      'Check the error rate in your APM (Datadog, New Relic): is this 100% failure or partial — which endpoints, regions, customers?',
    );
  }
  if (signals.state === 'degraded')
    actions.push(
      'Check saturation: CPU, memory, connection pools, queue depth, and the slowest dependency in the traces.',
    );
  if (signals.state === 'at_risk')
    actions.push(
      'Act before it becomes an outage: buy headroom first (scale out, extend, free space), then fix the cause.',
    );
  const deps = known?.dependencies.length
    ? joinList([...known.dependencies])
    : signals.revenuePath
      ? "the payment gateway's status page, database connectivity"
      : 'databases, queues and third-party APIs it calls';
  actions.push(`Check downstream dependencies: ${deps}.`);
  actions.push("If a deploy caused this, roll back immediately — don't debug in production.");
  actions.push(
    `Time-box each hypothesis to ${env.settings.hypothesis_timebox_minutes} minutes; if it isn't confirmed by then, switch to the next one.`,
  );
  return actions;
}

function closingQuestion(signals: Signals, services: readonly string[]): string {
  if (signals.securityBreach) return 'What exactly was exposed, and since when?';
  if (signals.dataLoss) return 'Which records are affected, and is the loss still happening?';
  if (signals.state === 'degraded') return 'What do the latency graphs and your error logs show?';
  if (signals.state === 'down' || services.length) return 'What do your error logs show?';
  return 'When did it start, and who is affected?';
}

function roleLines(roles: Output<'assign_roles'>, reporter: string): string[] {
  return roles.summary.map((line) =>
    line.replace(
      new RegExp(`^(IC|[^:]+): ${reporter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(until a dedicated IC joins\\)$`),
      '$1: You, until a dedicated IC joins',
    ),
  );
}

function pushbackLines(reading: Reading): string[] {
  const lines: string[] = [];
  if (reading.pushback.skipRoles)
    lines.push(
      'Roles first — it takes one minute, and without them five people debug the same thing while nobody talks to customers. Assigned below; then we dig in.',
    );
  if (reading.pushback.skipSeverity)
    lines.push('I classified severity anyway: it takes seconds and decides who gets paged and how often we update.');
  if (reading.pushback.blame)
    lines.push(
      'We will look at what let this reach production, not at who — that is how people keep telling us what they saw.',
    );
  if (reading.pushback.firstError)
    lines.push(
      'The first error in the log is a lead, not the root cause: confirm it with timing, blast radius and a second signal before acting on it.',
    );
  return lines;
}

/** A new problem: severity, incident, roles, deploys, first update — then the answer in the seed's shape. */
export const incidentReport: Play = {
  id: 'incident-report',
  applies: (reading, turn) =>
    reading.report &&
    (!turn.activeIncidentId ||
      turn.activeStatus === 'resolved' ||
      (reading.mentionedIncident === null &&
        /\b(?:new|another|separate|different) (?:incident|issue|problem|outage)\b/i.test(turn.text))),
  next(turn, reading, env): Step {
    if (env.allowed.has('classify_severity') && !tried(turn, 'classify_severity'))
      return call('classify_severity', { description: turn.text.slice(0, 4000) });
    const cls = result(turn, 'classify_severity');
    const fromText = reading.extraction;
    if (!tried(turn, 'open_incident')) {
      return call('open_incident', {
        title: titleFrom(reading.facts),
        description: turn.text.slice(0, 4000),
        services: (cls?.services ?? fromText.services).slice(0, 20),
        ...(cls ? { severity: cls.level, signals: cls.signals } : { signals: fromText.signals }),
        ...(reading.reporter ? { reporter: reading.reporter } : {}),
      });
    }
    const opened = result(turn, 'open_incident');
    if (!opened)
      return reply(
        `I could not open the incident: ${failure(turn, 'open_incident') ?? 'unknown error'}\nTell me the affected service and what users see, and I will try again.`,
      );
    const id = opened.incident.id;
    if (!tried(turn, 'assign_roles')) return call('assign_roles', { incidentId: id });
    if (env.allowed.has('find_similar_incidents') && !tried(turn, 'find_similar_incidents'))
      return call('find_similar_incidents', { incidentId: id, limit: 3 });
    const source = deploySource(opened.incident.services, env);
    if (source && env.allowed.has('fetch_deploys') && !tried(turn, 'fetch_deploys'))
      return call('fetch_deploys', { service: source.name, incidentId: id });
    const alert = ALERT_NAME.exec(turn.text)?.[0];
    if (
      env.runbooks &&
      env.allowed.has('find_runbook') &&
      !tried(turn, 'find_runbook') &&
      (alert || opened.incident.services.length)
    ) {
      return call('find_runbook', {
        ...(alert ? { alert } : {}),
        ...(opened.incident.services[0] ? { service: opened.incident.services[0] } : {}),
        query: reading.facts.slice(0, 500),
      });
    }
    const audience = opened.incident.impact.customerFacing ? 'customer' : 'engineering';
    const words = customerWords(
      turn.text,
      reading,
      env.services.find((s) => opened.incident.services.includes(s.name)),
    );
    if (env.allowed.has('draft_stakeholder_update') && !tried(turn, 'draft_stakeholder_update')) {
      return call('draft_stakeholder_update', {
        incidentId: id,
        audience,
        ...(words.summary ? { customerSummary: words.summary } : {}),
        ...(words.impact ? { impact: words.impact } : {}),
      });
    }
    return reply(composeIncidentReply(turn, reading, env, opened));
  },
};

function composeIncidentReply(turn: Turn, reading: Reading, env: PlaybookEnv, opened: Output<'open_incident'>): string {
  const cls = result(turn, 'classify_severity');
  const roles = result(turn, 'assign_roles');
  const deploys = result(turn, 'fetch_deploys');
  const update = result(turn, 'draft_stakeholder_update');
  const inc = opened.incident;
  const signals = inc.signals;
  const level = inc.severity;
  const criteria = cls?.matchedCriteria.filter((c) => c.level === level).map((c) => c.description) ?? [];
  const why = criteria.length
    ? criteria.join('; ')
    : signals.customerFacing
      ? 'customer-facing impact'
      : 'impact so far';
  const escalation = opened.escalation;
  const parts: string[] = [];
  parts.push(...pushbackLines(reading));
  parts.push(`Initiating incident response: **${inc.id}** — ${inc.title}.`);
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
  const next = escalation.triggers.find((t) => !t.due && t.at);
  if (next?.at)
    parts.push(
      `If not mitigated by ${formatClock(next.at, turn.now ?? undefined)}: ${next.action.replace(/^[^—]*— /, '')}`,
    );
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
  parts.push(
    section(
      'Immediate actions:',
      numbered(immediateActions(signals, inc.services, deploys, failure(turn, 'fetch_deploys'), env)),
    ),
  );
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
      ? ` Next update due ${formatClock(update.nextUpdateAt, turn.now ?? undefined)} (every ${update.cadenceMinutes} min).`
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
  parts.push(closingQuestion(signals, inc.services));
  return parts.join('\n\n');
}

/** More facts about the active incident: re-check severity, put them on the timeline, show what is due. */
export const incidentUpdate: Play = {
  id: 'incident-update',
  applies: (reading, turn) =>
    reading.report &&
    turn.activeIncidentId !== null &&
    !reading.pushback.skipRoles &&
    !reading.pushback.skipSeverity &&
    !reading.pushback.firstError,
  next(turn, reading, env): Step {
    const id = turn.activeIncidentId!;
    if (env.allowed.has('classify_severity') && !tried(turn, 'classify_severity'))
      return call('classify_severity', { incidentId: id, description: turn.text.slice(0, 4000) });
    if (env.allowed.has('log_event') && !tried(turn, 'log_event'))
      return call('log_event', { incidentId: id, kind: 'observation', text: turn.text.slice(0, 4000) });
    if (!tried(turn, 'get_incident')) return call('get_incident', { incidentId: id, timelineLimit: 5 });
    const state = result(turn, 'get_incident');
    if (state && state.roles.length === 0 && env.allowed.has('assign_roles') && !tried(turn, 'assign_roles'))
      return call('assign_roles', { incidentId: id });
    const cls = result(turn, 'classify_severity');
    const parts: string[] = [...pushbackLines(reading)];
    parts.push('Logged on the timeline.');
    if (cls?.recorded) {
      const held = cls.recorded.current !== cls.level;
      parts.push(
        cls.recorded.changed
          ? `**Severity now ${cls.recorded.current}** (was ${cls.recorded.previous}).${cls.escalation.triggered ? ` Page ${joinList(cls.escalation.page)}.` : ''}`
          : `Severity re-checked: still **${cls.recorded.current}**.${held ? ` The new details alone would suggest ${cls.level}; lower it only when the impact has really dropped, and say why.` : ''}`,
      );
    }
    const roles = result(turn, 'assign_roles');
    if (roles) parts.push(section('Roles assigned first:', bullets(roles.summary)));
    if (state?.attention.length) parts.push(section('Needs attention now:', bullets(state.attention)));
    const due =
      state?.schedule
        .filter((s) => s.nextDueAt && !s.overdue)
        .map((s) => `${s.audience} ${formatClock(s.nextDueAt!, turn.now ?? undefined)}`) ?? [];
    if (due.length) parts.push(`Next updates due: ${due.join(', ')}.`);
    parts.push(
      `Keep each hypothesis to ${env.settings.hypothesis_timebox_minutes} minutes. ${closingQuestion(reading.extraction.signals, state?.incident.services ?? [])}`,
    );
    return reply(parts.join('\n\n'));
  },
};
