import { addMinutes, formatClock, formatMinutes, minutesBetween } from '../../core/time.js';
import type { IncidentView } from '../../incident/view.js';
import { actionKind, actionPriority, affirmation, type ActionItemDraft } from '../../language/index.js';
import { bullets, joinList, section, sentence } from '../compose.js';
import { KIND_RESPONSES } from '../kinds.js';
import { failure, result, results } from '../outputs.js';
import { type Heard, senderName } from '../reading.js';
import { notMade, type Play, type PlaybookEnv, reply, type Step, type ToolCall } from '../step.js';
import type { Turn } from '../turn.js';
import { findPending } from './pending.js';
import { pushbackLines } from './pushback.js';
import { QUESTIONS } from './questions.js';

const ROLE_FIELDS = {
  incident_commander: 'incidentCommander',
  communications_lead: 'communicationsLead',
  technical_lead: 'technicalLead',
  scribe: 'scribe',
} as const;

/** The live incident this turn works on: the runtime's view, still open. */
function live(turn: Turn): IncidentView | null {
  return turn.live && turn.live.incident.status !== 'resolved' ? turn.live : null;
}

/** One-line, bounded text of what was said, for the timeline: what a scribe writes, without the paste. */
function said(_turn: Turn, heard: Heard): string {
  if (heard.alert)
    return `Pasted ${heard.alert.source === 'logs' ? 'logs' : 'alert'}: ${heard.alert.summary}`.slice(0, 600);
  const text = heard.text.replace(/\s+/g, ' ').trim();
  return (text.length > 600 ? `${text.slice(0, 597)}…` : text) || '(empty message)';
}

interface Plan {
  calls: ToolCall[];
}

/** Everything this message changes, as tool calls in the order an IC would make them. */
function plan(turn: Turn, heard: Heard, env: PlaybookEnv, view: IncidentView): Plan {
  const id = view.incident.id;
  const by = senderName(turn);
  const calls: ToolCall[] = [];
  const box = env.settings.hypothesis_timebox_minutes;
  const lastReply = turn.earlierReplies.at(-1) ?? '';
  const answer = affirmation(turn.text);

  // Roles given in words: "Ana's running comms, Raj has tech lead", "I'll take IC".
  const roleInput: Record<string, string> = {};
  for (const r of heard.roles) {
    const person = r.self ? by : r.person;
    const current = view.roles.find((x) => x.role === r.role);
    if (current?.person?.toLowerCase() !== person.toLowerCase()) roleInput[ROLE_FIELDS[r.role]] = person;
  }
  // Roles before troubleshooting: a message that starts work on an incident with no roles gets them first.
  const troubleshooting = heard.intents.some((i) =>
    ['observation', 'change', 'mitigation', 'hypothesis', 'report', 'impact', 'other', 'no_news'].includes(i),
  );
  const noRolesYet = view.roles.length === 0 && troubleshooting && !heard.recovery;
  if (Object.keys(roleInput).length || noRolesYet || heard.pushback.skipRoles)
    calls.push({ name: 'assign_roles', input: { incidentId: id, ...roleInput, by } });

  // Severity: asked for by level, or re-checked when the message brings new impact facts.
  const request = heard.severityRequest;
  if (request?.level && request.level !== view.incident.severity && !heard.question)
    calls.push({
      name: 'update_incident',
      input: { incidentId: id, severity: request.level, reason: `${by}: ${said(turn, heard)}`.slice(0, 500), by },
    });
  else if ((bringsImpact(heard) && !heard.intents.includes('action_item')) || heard.pushback.skipSeverity)
    calls.push({
      name: 'classify_severity',
      input: { incidentId: id, description: heard.text.slice(0, 4000), author: by },
    });

  // Impact and start time, and the status a mitigation or a confirmed cause moves to.
  const update: Record<string, unknown> = {};
  const c = heard.condition;
  if (
    heard.started &&
    Math.abs(minutesBetween(heard.started.at, view.incident.startedAt)) > 2 &&
    heard.started.at.getTime() <= turn.now.getTime()
  )
    update['startedAt'] = heard.started.at.toISOString();
  if (c.share?.exact && c.share.pct !== view.incident.impact.usersAffectedPct) update['usersAffectedPct'] = c.share.pct;
  else if (c.wide && view.incident.impact.usersAffectedPct !== 100 && c.state && c.state !== 'recovered')
    update['usersAffectedPct'] = 100;
  const customerFacing =
    answeredCustomerFacing(lastReply, answer) ??
    (c.customerFacing !== null && talksImpact(heard) ? c.customerFacing : null);
  if (customerFacing !== null && customerFacing !== view.incident.impact.customerFacing)
    update['customerFacing'] = customerFacing;
  // Resolve on an explicit close, or after recovery that has held long enough; shorter recovery is monitoring.
  const resolve = shouldResolve(heard);
  const mitigated =
    heard.mitigation?.done === true || heard.improving || (heard.recovery?.partial === true && !resolve);
  const confirmedCause = heard.hypothesis?.verdict === 'confirmed';
  const status = view.incident.status;
  if (mitigated && status !== 'monitoring' && !resolve) update['status'] = 'monitoring';
  else if ((confirmedCause || heard.mitigation?.underway) && status === 'investigating')
    update['status'] = 'identified';
  if (Object.keys(update).length) calls.push({ name: 'update_incident', input: { incidentId: id, ...update, by } });

  // What was done, decided, changed or seen goes on the timeline as what it is.
  const kind = heard.mitigation?.declined
    ? 'decision'
    : heard.mitigation?.done
      ? 'action'
      : heard.recovery && (heard.recovery.confirmed || heard.recovery.close)
        ? 'milestone'
        : heard.change
          ? 'deploy'
          : heard.mitigation
            ? 'decision'
            : 'observation';
  const recordable =
    heard.mitigation !== null ||
    heard.change !== null ||
    heard.intents.some(
      (i) =>
        i === 'observation' || i === 'report' || i === 'impact' || i === 'other' || i === 'question' || i === 'no_news',
    ) ||
    heard.alert !== null;
  const quietOnly = heard.intents.every(
    (i) => i === 'status' || i === 'update_request' || i === 'roles' || i === 'postmortem',
  );
  const recordedElsewhere =
    (resolve && env.allowed.has('resolve_incident')) ||
    heard.pushback.firstError ||
    (heard.intents.includes('action_item') && !heard.intents.includes('observation'));
  if (recordable && !quietOnly && !recordedElsewhere)
    calls.push({ name: 'log_event', input: { incidentId: id, kind, text: said(turn, heard), author: by } });

  // A deploy or change named: look it up when the service is configured.
  if (heard.change) {
    const service = deploySource(heard, view, env);
    if (service) calls.push({ name: 'fetch_deploys', input: { service, incidentId: id } });
  }

  // Hypotheses: a verdict closes the open one; a new theory is time-boxed; one past its box is called.
  const open = view.hypotheses.filter((h) => h.status === 'open');
  const h = heard.hypothesis;
  if (h?.verdict && open.length) {
    calls.push({
      name: 'resolve_hypothesis',
      input: { id: open.at(-1)!.id, outcome: h.verdict, evidence: said(turn, heard).slice(0, 2000), by },
    });
  } else if (h && !h.verdict && heard.intents.includes('hypothesis')) {
    const same = open.find((o) => sharesWords(o.statement, h.statement));
    const elapsed = h.elapsedMinutes;
    if (same && elapsed !== null && elapsed >= box)
      calls.push({
        name: 'resolve_hypothesis',
        input: {
          id: same.id,
          outcome: 'abandoned',
          evidence: `Time-box of ${box} min ran out after ${elapsed} min without an answer.`,
          by,
        },
      });
    else if (!same) {
      const startedAt =
        elapsed !== null
          ? addMinutes(turn.now, -Math.min(elapsed, minutesBetween(view.incident.startedAt, turn.now))).toISOString()
          : undefined;
      calls.push({
        name: 'start_hypothesis',
        input: { incidentId: id, statement: h.statement.slice(0, 500), owner: by, ...(startedAt ? { startedAt } : {}) },
      });
      // Chased past its box already: the decision to call it goes on the timeline now.
      if (elapsed !== null && elapsed >= box)
        calls.push({
          name: 'log_event',
          input: {
            incidentId: id,
            kind: 'decision',
            text: `Time-box of ${box} min exceeded after ${elapsed} min on "${h.statement.slice(0, 200)}": calling it and switching to the next hypothesis.`,
            author: by,
          },
        });
    }
  }
  // A hypothesis started this turn already past its box, and any open one whose box ran out: called now.
  const startedNow = result(turn, 'start_hypothesis');
  if (startedNow?.hypothesis.expired)
    calls.push({
      name: 'resolve_hypothesis',
      input: {
        id: startedNow.hypothesis.id,
        outcome: 'abandoned',
        evidence: `Time-box of ${startedNow.hypothesis.timeboxMinutes} min ran out without an answer.`,
        by,
      },
    });
  for (const o of open)
    if (o.expired && !calls.some((x) => x.name === 'resolve_hypothesis' && x.input['id'] === o.id))
      calls.push({
        name: 'resolve_hypothesis',
        input: {
          id: o.id,
          outcome: 'abandoned',
          evidence: `Time-box of ${o.timeboxMinutes} min ran out at ${formatClock(o.expiresAt, turn.now)} without an answer.`,
          by,
        },
      });
  if (heard.pushback.firstError && !calls.some((x) => x.name === 'start_hypothesis'))
    calls.push({
      name: 'start_hypothesis',
      input: {
        incidentId: id,
        statement: `The first error in the log is the cause: ${said(turn, heard)}`.slice(0, 500),
        owner: by,
      },
    });

  // Action items: created with an owner and a date, or asked about; a follow-up completes the pending one.
  for (const item of actionItems(turn, heard, env)) {
    if (item.owner && item.due?.kind === 'date' && item.title)
      calls.push({
        name: 'create_action_item',
        input: {
          incidentId: id,
          title: item.title.slice(0, 200),
          owner: item.owner,
          due: item.due.date,
          kind: actionKind(item.title),
          priority: actionPriority(item.title),
          createdBy: by,
        },
      });
  }

  // Recovery confirmed and held, or the team closing: resolve, with the post-mortem due.
  if (resolve)
    calls.push({
      name: 'resolve_incident',
      input: { incidentId: id, resolution: resolutionText(turn, heard, view), by },
    });

  // Updates: asked for in any words, and every audience whose update is due, even with no news.
  const asked = heard.intents.includes('update_request') || heard.intents.includes('no_news');
  const due = view.schedule.filter(
    (s) =>
      s.cadenceMinutes !== null && (s.overdue || (s.nextDueAt !== null && minutesBetween(turn.now, s.nextDueAt) <= 1)),
  );
  const audiences = new Set(due.map((s) => s.audience));
  if (asked)
    for (const a of heard.audiences.length
      ? heard.audiences
      : view.schedule.filter((s) => s.cadenceMinutes !== null).map((s) => s.audience))
      audiences.add(a);
  const resolving = calls.some((x) => x.name === 'resolve_incident');
  if (!resolving) {
    const changed = whatChanged(turn, heard);
    for (const audience of ['engineering', 'executive', 'customer'] as const) {
      if (!audiences.has(audience)) continue;
      calls.push({
        name: 'draft_stakeholder_update',
        input: {
          incidentId: id,
          audience,
          ...(changed ? { whatChanged: changed } : {}),
          ...(audience === 'engineering' ? { nextSteps: nextSteps(view, env) } : {}),
          author: by,
        },
      });
    }
  }
  return { calls };
}

/** Minutes after which a partial recovery that has held ("stable for 30 min") closes the incident. */
const HELD_MINUTES = 30;

function shouldResolve(heard: Heard): boolean {
  const r = heard.recovery;
  if (!r || heard.question) return false;
  return r.close || r.confirmed || (r.partial && (r.forMinutes ?? 0) >= HELD_MINUTES);
}

function bringsImpact(heard: Heard): boolean {
  const c = heard.condition;
  return (
    ((c.state === 'failing' || c.state === 'degraded') &&
      (c.wide || c.security || c.dataLoss || c.share !== null || c.revenuePath || heard.intents.includes('report'))) ||
    c.security ||
    c.dataLoss
  );
}

function talksImpact(heard: Heard): boolean {
  return heard.intents.includes('impact') || heard.intents.includes('report');
}

/** A "yes" or "no" to the commander's own last question about customers. */
function answeredCustomerFacing(lastReply: string, answer: 'yes' | 'no' | null): boolean | null {
  if (!answer || !lastReply.includes(QUESTIONS.customers)) return null;
  return answer === 'yes';
}

function sharesWords(a: string, b: string): boolean {
  const words = (s: string): Set<string> => new Set(s.toLowerCase().match(/\p{L}{4,}/gu) ?? []);
  const wa = words(a);
  return [...words(b)].filter((w) => wa.has(w)).length >= 1;
}

function deploySource(heard: Heard, view: IncidentView, env: PlaybookEnv): string | null {
  const named = [...heard.services, ...view.incident.services];
  const known = named.map((n) => env.services.find((s) => s.name === n)).find((s) => s?.deploys);
  if (known) return known.name;
  const subject = heard.change?.subject;
  const bySubject = subject
    ? env.services.find((s) => s.deploys && (s.name === subject || s.aliases.some((a) => a.toLowerCase() === subject)))
    : undefined;
  return bySubject?.name ?? null;
}

/** Action items this message gives, with a follow-up ("owner Tom, due in 2 weeks") completing the pending one. */
export function actionItems(turn: Turn, heard: Heard, env: PlaybookEnv): ActionItemDraft[] {
  const reading = heard.actionItem;
  if (!reading) return [];
  if (!reading.followUpOnly) return reading.items;
  const pending = findPending(turn, env);
  if (!pending) return [];
  const fill = reading.items[0]!;
  return [{ title: pending.title, owner: fill.owner ?? pending.owner, due: fill.due ?? pending.due }];
}

/** What is new for stakeholders, written from what was understood — never the raw chat line. */
function whatChanged(_turn: Turn, heard: Heard): string | undefined {
  if (
    heard.intents.includes('update_request') ||
    (heard.intents.includes('no_news') && !heard.mitigation && !heard.change)
  )
    return undefined;
  const parts: string[] = [];
  const m = heard.mitigation;
  if (m && !m.declined)
    parts.push(
      `${m.done ? 'Mitigation applied' : 'Mitigation planned'}: ${m.kind === 'other' ? (heard.title ?? 'a fix') : m.kind}`,
    );
  if (heard.improving) parts.push('error rates are coming down; we are monitoring');
  if (heard.change)
    parts.push(
      `a suspected change is being checked${heard.change.ref ? ` (${[heard.change.subject, heard.change.ref].filter(Boolean).join(' ')})` : ''}`,
    );
  const h = heard.hypothesis;
  if (h?.verdict === 'confirmed') parts.push(`cause identified: ${h.statement}`);
  else if (h?.verdict === 'ruled_out') parts.push('one line of investigation ruled out; moving to the next');
  else if (h) parts.push(`investigating: ${h.statement}`);
  if (
    !parts.length &&
    heard.title &&
    heard.intents.some((i) => i === 'observation' || i === 'impact' || i === 'report')
  )
    parts.push(heard.title);
  if (!parts.length) return undefined;
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`.slice(0, 2000);
}

function nextSteps(view: IncidentView, env: PlaybookEnv): string[] {
  const box = env.settings.hypothesis_timebox_minutes;
  const open = view.hypotheses.filter((h) => h.status === 'open');
  return [
    open.length
      ? `Confirm or rule out ${open.at(-1)!.id} within its ${box}-minute time-box`
      : `Pick the leading hypothesis and time-box it to ${box} minutes`,
    view.incident.services.length
      ? `Check recent deploys and config changes of ${view.incident.services.join(', ')}`
      : 'Check recent deploys and config changes',
    'Keep every action and finding on the timeline',
  ];
}

function resolutionText(turn: Turn, heard: Heard, view: IncidentView): string {
  const action = [...view.timeline].reverse().find((e) => e.kind === 'action' || e.kind === 'deploy');
  const held = heard.recovery?.forMinutes ? `; healthy for ${formatMinutes(heard.recovery.forMinutes)}` : '';
  const cause = action ? `${sentence(action.text).replace(/\.$/, '')}` : 'Recovered';
  return `${cause}${held} (${said(turn, heard).slice(0, 300)})`.slice(0, 2000);
}

/**
 * The live conversation: every message during an open incident is read for what it changes, and
 * the change is made with the tools — roles, severity, impact, status, the timeline, deploys,
 * hypotheses, action items, resolution, and the updates that are due.
 */
export const liveIncident: Play = {
  id: 'live-incident',
  applies: (heard, turn) => heard.active && live(turn) !== null && !heard.intents.includes('report'),
  next(turn, heard, env): Step {
    const view = live(turn)!;
    const pendingCalls = notMade(turn, env, plan(turn, heard, env, view).calls);
    if (pendingCalls.length) return { kind: 'tools', calls: pendingCalls };
    const wrote = turn.calls.some((c) => c.ok && c.name !== 'get_incident' && c.name !== 'fetch_deploys');
    const refresh = notMade(turn, env, [
      { name: 'get_incident', input: { incidentId: view.incident.id, timelineLimit: 5 } },
    ]);
    if (wrote && refresh.length) return { kind: 'tools', calls: refresh };
    return reply(composeLive(turn, heard, env, view));
  },
};

function composeLive(turn: Turn, heard: Heard, env: PlaybookEnv, before: IncidentView): string {
  const now = turn.now;
  const fresh = result(turn, 'get_incident') ?? before;
  const id = fresh.incident.id;
  const box = env.settings.hypothesis_timebox_minutes;
  const parts: string[] = [...pushbackLines(heard, env)];
  const done: string[] = [];

  const roles = result(turn, 'assign_roles');
  if (roles) done.push(section(heard.pushback.skipRoles ? 'Roles first:' : 'Roles:', bullets(roles.summary)));
  const cls = result(turn, 'classify_severity');
  if (cls?.recorded) {
    done.push(
      cls.recorded.changed
        ? `**Severity now ${cls.recorded.current}** (was ${cls.recorded.previous}).${cls.escalation.triggered ? ` Page ${joinList(cls.escalation.page)}.` : ''}`
        : `Severity re-checked: still **${cls.recorded.current}**.${cls.recorded.current !== cls.level ? ` These details alone would say ${cls.level}; lower it only when the impact has really dropped, and say why.` : ''}`,
    );
  }
  const updated = result(turn, 'update_incident');
  if (updated) done.push(`Recorded on ${id}: ${updated.changes.join('; ')}.`);
  const updateError = failure(turn, 'update_incident');
  if (updateError) done.push(`Could not update ${id}: ${updateError.split('\n')[0]}`);
  if (updated?.incident.status === 'monitoring' && before.incident.status !== 'monitoring')
    done.push(
      `Status: **monitoring**. Watch the error rate for the next ${box} minutes; if it stays at baseline, we resolve.`,
    );

  const logged = turn.calls.find((c) => c.name === 'log_event' && c.ok);
  if (logged) {
    const kind = String(logged.input['kind']);
    done.push(`Logged on the timeline at ${formatClock(now, now)} as ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}.`);
  }

  if (heard.change) done.push(...changeLines(turn, heard, fresh));
  done.push(...hypothesisLines(turn, heard, before, box));
  done.push(...actionItemLines(turn, heard, env));

  const resolved = result(turn, 'resolve_incident');
  if (resolved) {
    const d = resolved.durations;
    const lasted = d.timeToResolveMinutes !== null ? ` Impact lasted ${formatMinutes(d.timeToResolveMinutes)}.` : '';
    parts.push(...done);
    parts.push(
      `**${id} is resolved** and on the timeline.${lasted}`,
      section(
        'Now:',
        bullets([
          'Send the final update to every audience: customers (resolved, what they may still notice), executives (impact and duration), engineering (what fixed it).',
          'Keep the channel open for an hour in case it comes back; watch the error rate.',
          'Every incident is a chance to make the whole organisation more resilient: the post-mortem is where we learn from this one.',
          `Post-mortem due within ${resolved.postmortem.deadlineHours} hours, by ${formatClock(resolved.postmortem.dueAt ?? addMinutes(now, resolved.postmortem.deadlineHours * 60), now)}: a timeline, an impact assessment and action items, each with one owner and a due date. Blameless: we look for the missing guardrails, not for who did what.`,
        ]),
      ),
      QUESTIONS.facilitator,
    );
    return parts.join('\n\n');
  }

  const drafts = results(turn, 'draft_stakeholder_update');
  const wereDue = before.schedule.filter((x) => x.overdue && drafts.some((d) => d.audience === x.audience));
  if (wereDue.length)
    done.push(
      `**Overdue:** the ${joinList(wereDue.map((x) => x.audience))} update${wereDue.length > 1 ? 's were' : ' was'} due at ${formatClock(wereDue[0]!.nextDueAt!, now)} — drafted below, post ${wereDue.length > 1 ? 'them' : 'it'} now. On the cadence, even with nothing new, an update goes out: "no change, still investigating".`,
    );
  for (const d of drafts) {
    done.push(
      section(
        `${d.audience[0]!.toUpperCase()}${d.audience.slice(1)} update${d.noChange ? ' (no change — send it anyway)' : ''}:`,
        `> ${d.body.split('\n').filter(Boolean).join('\n> ')}${d.nextUpdateAt ? `\nNext ${d.audience} update due ${formatClock(d.nextUpdateAt, now)}.` : ''}`,
      ),
    );
  }
  const redacted = drafts.flatMap((d) => d.redactions);
  if (redacted.length)
    done.push(
      `Removed from the customer text: ${[...new Set(redacted)].join(', ')} (internal names never go to customers).`,
    );

  if (heard.intents.includes('status')) done.unshift(...statusLines(fresh, now));
  parts.push(...done);
  const drafted = new Set(drafts.map((d) => d.audience));
  const attention = fresh.attention.filter((a) => ![...drafted].some((aud) => a.startsWith(`${aud} update`)));
  if (attention.length) parts.push(section('Needs attention now:', bullets(attention)));
  parts.push(nextQuestion(turn, heard, env, fresh));
  return parts.filter(Boolean).join('\n\n');
}

function statusLines(s: IncidentView, now: Date): string[] {
  return [
    `**${s.incident.id}** ${s.incident.title} — **${s.incident.severity}**, ${s.incident.status}, ${formatMinutes(minutesBetween(s.incident.startedAt, now))} since start.`,
    section(
      'Roles:',
      bullets(
        s.roles.length ? s.roles.map((r) => `${r.title}: ${r.person ?? `NEEDED — ${r.need}`}`) : ['none assigned'],
      ),
    ),
    section(
      'Updates:',
      bullets(
        s.schedule
          .filter((x) => x.cadenceMinutes !== null)
          .map(
            (x) =>
              `${x.audience}: ${x.overdue ? `OVERDUE by ${x.overdueMinutes} min` : x.nextDueAt ? `due ${formatClock(x.nextDueAt, now)}` : 'none scheduled'}`,
          ),
      ),
    ),
    s.hypotheses.some((h) => h.status === 'open')
      ? section(
          'Open hypotheses:',
          bullets(
            s.hypotheses
              .filter((h) => h.status === 'open')
              .map(
                (h) =>
                  `${h.id} ${h.statement} (${h.owner}) — ${h.expired ? `time-box ran out ${Math.round(-h.minutesLeft)} min ago: call it and switch to the next hypothesis` : `${Math.round(h.minutesLeft)} min left in its ${h.timeboxMinutes}-minute time-box — if it is not confirmed by then, switch to the next hypothesis`}`,
              ),
          ),
        )
      : '',
  ].filter(Boolean);
}

function changeLines(turn: Turn, heard: Heard, view: IncidentView): string[] {
  const change = heard.change!;
  const now = turn.now;
  const deploys = result(turn, 'fetch_deploys');
  const what = [change.subject, change.ref].filter(Boolean).join(' ') || 'that change';
  const at = change.at ? ` at ${formatClock(change.at, now)}` : '';
  const started = view.incident.startedAt;
  const linesUp = change.correlated || (change.at !== null && Math.abs(minutesBetween(change.at, started)) <= 30);
  const lines: string[] = [];
  if (deploys?.suspects.length) {
    const top = deploys.deploys.find((d) => d.suspectRank === 1)!;
    lines.push(
      `Deploys of ${deploys.service}: ${top.ref} "${top.summary}"${top.author ? ` by ${top.author}` : ''} ${top.note ?? ''}`.trim(),
    );
  }
  lines.push(
    linesUp
      ? `${what}${at} lines up with the start of the impact (${formatClock(started, now)}): **roll it back now** — don't debug in production. Then watch the error rate.`
      : `${what}${at}: if it lines up with the start (${formatClock(started, now)}), roll it back first and debug later.`,
  );
  return lines;
}

function hypothesisLines(turn: Turn, heard: Heard, view: IncidentView, box: number): string[] {
  const lines: string[] = [];
  const started = result(turn, 'start_hypothesis');
  const closed = turn.calls.filter((c) => c.name === 'resolve_hypothesis' && c.ok);
  for (const c of closed) {
    if (started && c.input['id'] === started.hypothesis.id) continue;
    const outcome = String(c.input['outcome']);
    lines.push(
      outcome === 'confirmed'
        ? `${String(c.input['id'])} confirmed — act on it now (roll back, fail over, disable) and put the action on the timeline.`
        : outcome === 'ruled_out'
          ? `${String(c.input['id'])} ruled out and closed. Pick the next hypothesis by evidence — what changed, what the logs show, which dependency is unhealthy — and give it ${box} minutes.`
          : `${String(c.input['id'])} has run past its ${box}-minute time-box: parked. **Switch to the next hypothesis now**, ${box} minutes for it too.`,
    );
  }
  if (started && heard.pushback.firstError) {
    const h = started.hypothesis;
    lines.push(
      `It is on the timeline as ${h.id}, time-boxed until ${formatClock(h.expiresAt, turn.now)}. If it is not confirmed by then, drop it and move to the next hypothesis.`,
    );
  } else if (started) {
    const h = started.hypothesis;
    lines.push(
      h.expired
        ? `That is ${formatMinutes(minutesBetween(h.startedAt, turn.now))} on one hypothesis (${h.id}, "${h.statement}") — past the ${h.timeboxMinutes}-minute time-box. I have parked it on the timeline: if it is confirmed, act on it now; if not, switch to the next hypothesis.`
        : `${h.id} time-boxed to ${h.timeboxMinutes} minutes: "${h.statement}" (${h.owner}), until ${formatClock(h.expiresAt, turn.now)} — ${Math.max(0, Math.round(h.minutesLeft))} min left. Decide now what would confirm it and what would rule it out; if it is not confirmed by then, switch to the next hypothesis.`,
    );
  } else if (heard.hypothesis && !heard.hypothesis.verdict && !closed.length) {
    const open = view.hypotheses.filter((h) => h.status === 'open').at(-1);
    if (open)
      lines.push(
        open.expired
          ? `${open.id} is past its time-box: call it and switch.`
          : `${open.id} has ${Math.max(0, Math.round(open.minutesLeft))} minutes left in its ${box}-minute box.`,
      );
  }
  return lines;
}

function actionItemLines(turn: Turn, heard: Heard, env: PlaybookEnv): string[] {
  const items = actionItems(turn, heard, env);
  if (!heard.actionItem) return [];
  const created = results(turn, 'create_action_item');
  const lines: string[] = [];
  if (created.length)
    lines.push(
      section(
        'Tracked:',
        bullets(
          created.map(
            (c) =>
              `${c.item.id} ${c.item.title} — owner ${c.item.owner}, due ${c.item.dueAt.slice(0, 10)} (${c.item.kind}, ${c.item.priority})${c.created ? '' : ' — already existed'}`,
          ),
        ),
      ),
    );
  for (const c of created) for (const w of c.warnings) lines.push(`Note: ${w}.`);
  const problems = turn.calls
    .filter((c) => c.name === 'create_action_item' && !c.ok)
    .map((c) => String(c.output).split('\n')[0]!);
  if (problems.length) lines.push(section('Not created:', bullets(problems)));
  if (!items.length && heard.actionItem.followUpOnly)
    lines.push(
      'Which action item is that for? Give me the task as well, e.g. "add an alert on queue depth, owner Tom, due in 2 weeks".',
    );
  for (const i of items) {
    if (i.owner && i.due?.kind === 'date' && i.title) continue;
    const missing = [
      !i.title ? 'what the task is' : '',
      !i.owner ? 'an owner (one named person)' : '',
      i.due?.kind === 'unreadable'
        ? `a date I can track ("${i.due.phrase}" is not one — e.g. 2026-12-10 or "in 2 weeks")`
        : !i.due
          ? 'a due date (e.g. 2026-12-10 or "in 2 weeks")'
          : '',
    ].filter(Boolean);
    lines.push(
      `Not tracked yet${i.title ? `: "${i.title}"` : ''} — it needs ${joinList(missing)}. Untracked items are how the same incident happens twice. Reply with them, e.g. "owner Priya, due in 2 weeks".`,
    );
  }
  return lines;
}

/** One concrete next step for this incident, never a question the conversation already answered. */
function nextQuestion(turn: Turn, heard: Heard, env: PlaybookEnv, view: IncidentView): string {
  const asked = new Set(turn.earlierReplies.slice(-2));
  const fresh = (q: string): boolean => ![...asked].some((r) => r.trimEnd().endsWith(q));
  const box = env.settings.hypothesis_timebox_minutes;
  const unfilled = view.roles.filter((r) => !r.person);
  const open = view.hypotheses.filter((h) => h.status === 'open');
  const status = view.incident.status;
  const candidates: string[] = [];
  if (heard.pushback.skipRoles)
    return `Now troubleshoot, one hypothesis at a time, ${box} minutes each: what changed recently, and what do the error logs show?`;
  if (heard.actionItem && actionItems(turn, heard, env).some((i) => !(i.owner && i.due?.kind === 'date' && i.title)))
    candidates.push(QUESTIONS.actionItem);
  if (unfilled.length) candidates.push(`Who takes ${unfilled[0]!.title}?`);
  if (view.incident.impact.customerFacing === null && heard.condition.customerFacing === null)
    candidates.push(QUESTIONS.customers);
  if (status === 'monitoring') candidates.push(QUESTIONS.stillClean(box));
  if (heard.change) candidates.push(QUESTIONS.rollback);
  if (open.length) candidates.push(`What would confirm or rule out ${open.at(-1)!.id} fastest?`);
  if (status === 'investigating' && !open.length && !heard.hypothesis)
    candidates.push(QUESTIONS.leadingHypothesis(box));
  if (view.incident.impact.usersAffectedPct === null && heard.condition.share === null)
    candidates.push(QUESTIONS.howMany);
  const kind = heard.kind ?? null;
  if (kind) candidates.push(KIND_RESPONSES[kind].question);
  candidates.push(QUESTIONS.whatChanged);
  return candidates.find(fresh) ?? candidates[0]!;
}
