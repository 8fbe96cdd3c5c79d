import type { Audience } from '../core/audiences.js';
import { InputError } from '../core/errors.js';
import { type AssignRequest, assignRoles } from '../incident/assign.js';
import { draftStakeholderUpdate } from '../incident/communications.js';
import { addActionItem } from '../incident/follow-up.js';
import { resolveIncident, updateIncident } from '../incident/lifecycle.js';
import { recordEvent } from '../incident/record.js';
import { startHypothesis } from '../incident/timebox.js';
import type { Severity } from '../severity/signals.js';
import type { ActionKind } from '../store/types.js';
import type { Approver } from './approvals.js';
import type { Message } from './blocks.js';
import { syncCards } from './cards.js';
import type { SlackDeps } from './deps.js';
import { escapeText } from './mrkdwn.js';
import type { Person } from './people.js';
import { renderNotice, renderOwn, renderUpdate } from './render/reply.js';

/**
 * What a button, a form or a subcommand does: one call to a domain service with the Slack user as
 * the actor, and a line in the incident channel saying it was done. No incident logic lives here.
 */

const NAMED: Record<string, keyof AssignRequest> = {
  incident_commander: 'incidentCommander',
  communications_lead: 'communicationsLead',
  technical_lead: 'technicalLead',
  scribe: 'scribe',
};

async function say(deps: SlackDeps, channel: string, mrkdwn: string): Promise<void> {
  await deps.web.post(channel, renderOwn(mrkdwn));
}

export async function claimRole(
  deps: SlackDeps,
  channel: string,
  incidentId: string,
  role: string,
  holder: Person,
  by: Person,
): Promise<void> {
  const defs = deps.runtime.soul.config.settings.roles;
  const def = defs.find((d) => d.id === role);
  if (!def)
    throw InputError.field(
      'role',
      `"${role}" is not a role in SOUL.md (roles: ${defs.map((d) => d.short).join(', ')})`,
    );
  const field = NAMED[role];
  const request: AssignRequest = field
    ? { incidentId, [field]: holder.name, by: by.name }
    : { incidentId, other: [{ role, person: holder.name }], by: by.name };
  const assigned = await assignRoles(deps.runtime.context(by.name), request);
  const warnings = assigned.warnings.length ? `\n_${escapeText(assigned.warnings.join(' '))}_` : '';
  await say(
    deps,
    channel,
    `:bust_in_silhouette: *${escapeText(holder.name)}* is ${escapeText(def.title)}${holder.id !== by.id ? ` (assigned by ${escapeText(by.name)})` : ''}.${warnings}`,
  );
}

/**
 * Posts one audience's update as the commander drafts it from the record (recorded on the timeline,
 * restarting that audience's clock) to the incident channel and the audience's stakeholder channels.
 * Customer text is never posted here: it goes to a card that waits for a person's approval.
 */
export async function postUpdate(
  deps: SlackDeps,
  channel: string,
  incidentId: string,
  audience: Exclude<Audience, 'customer'>,
  by: Person,
  whatChanged?: string,
): Promise<void> {
  const draft = await draftStakeholderUpdate(deps.runtime.context(by.name), {
    incidentId,
    audience,
    record: true,
    ...(whatChanged?.trim() ? { whatChanged: whatChanged.trim() } : {}),
  });
  const message = renderUpdate(incidentId, audience, draft.body, by.name, draft.noChange);
  await deps.web.post(channel, message);
  for (const other of deps.settings.stakeholderChannels[audience]) {
    if (other === channel) continue;
    await deps.web.post(other, message).catch((error: unknown) => {
      deps.logger.warn(
        { channel: other, err: (error as Error).message },
        'stakeholder channel did not take the update',
      );
    });
  }
}

/** Drafts the customer update and posts the approval card; nothing reaches customers until a person approves. */
export async function draftCustomerUpdate(deps: SlackDeps, incidentId: string, by: Person): Promise<void> {
  await deps.approvals.propose(incidentId, by.name);
  // The card is posted with every other pending draft's, once (the change feed may be posting it too).
  await syncCards(deps, incidentId);
}

/** Only a person, never a bot or a model, decides about customer text. */
export function approver(person: Person): Approver {
  if (person.isBot)
    throw InputError.field('user', 'a bot cannot approve customer updates', 'A person in the channel approves them.');
  return { name: person.name, slackUserId: person.id, human: true };
}

/**
 * A person's decision on the revision of a customer draft they read on the card. The card follows
 * the draft (syncCards); the person is told what became of it (published, or why not yet).
 */
export async function decideCustomerUpdate(
  deps: SlackDeps,
  decision: 'approve' | 'discard',
  draft: { id: string; revision: number },
  person: Person,
  tell: (message: Message) => Promise<void>,
): Promise<void> {
  const by = approver(person);
  const decided =
    decision === 'approve'
      ? await deps.approvals.approve(draft.id, by, draft.revision)
      : await deps.approvals.discard(draft.id, by, draft.revision);
  await syncCards(deps, decided.incidentId);
  await tell(
    renderNotice(
      decision === 'approve'
        ? `Approved ${decided.id} (revision ${decided.revision}): ${decided.outcome ?? 'waiting to be published'}.`
        : `Discarded ${decided.id}: nothing was sent to customers.`,
    ),
  );
}

/** A person's edit of the revision they read; the draft still waits for an approval. */
export async function editCustomerUpdate(
  deps: SlackDeps,
  draft: { id: string; revision: number },
  text: string,
  person: Person,
): Promise<void> {
  const edited = await deps.approvals.edit(draft.id, text, approver(person), draft.revision);
  await syncCards(deps, edited.incidentId);
}

export async function changeSeverity(
  deps: SlackDeps,
  channel: string,
  incidentId: string,
  severity: Severity,
  reason: string,
  by: Person,
): Promise<void> {
  if (!reason.trim())
    throw InputError.field(
      'reason',
      `is required to change the severity to ${severity}`,
      `Say why: \`${deps.settings.command} sev ${severity} checkout failing for every customer\``,
    );
  const { changes } = await updateIncident(deps.runtime.context(by.name), {
    incidentId,
    severity,
    reason: reason.trim(),
    by: by.name,
  });
  await say(
    deps,
    channel,
    `:rotating_light: ${escapeText(changes.join('; ') || `still ${severity}`)} — ${escapeText(reason.trim())} (${escapeText(by.name)})`,
  );
}

export async function addNote(
  deps: SlackDeps,
  channel: string,
  incidentId: string,
  text: string,
  by: Person,
): Promise<void> {
  if (!text.trim())
    throw InputError.field(
      'text',
      'is empty',
      `Write the note after the command: \`${deps.settings.command} note rolled back the 14:02 deploy\``,
    );
  const { event } = await recordEvent(deps.runtime.context(by.name), { incidentId, kind: 'note', text: text.trim() });
  await say(deps, channel, `:memo: On the timeline (#${event.seq}): ${escapeText(text.trim())}`);
}

export async function resolve(
  deps: SlackDeps,
  channel: string,
  incidentId: string,
  resolution: string,
  by: Person,
): Promise<void> {
  if (!resolution.trim())
    throw InputError.field('resolution', 'is empty', 'Say what ended the impact, e.g. "rolled back the 14:02 deploy".');
  const resolved = await resolveIncident(deps.runtime.context(by.name), {
    incidentId,
    resolution: resolution.trim(),
    by: by.name,
  });
  await say(
    deps,
    channel,
    `:white_check_mark: *${incidentId} is resolved* (${escapeText(by.name)}): ${escapeText(resolution.trim())}\n${resolved.next.map((n) => `• ${escapeText(n)}`).join('\n')}`,
  );
}

export async function beginHypothesis(
  deps: SlackDeps,
  channel: string,
  incidentId: string,
  statement: string,
  evidence: string,
  by: Person,
): Promise<void> {
  const started = await startHypothesis(deps.runtime.context(by.name), {
    incidentId,
    statement: statement.trim(),
    ...(evidence.trim() ? { evidence: evidence.trim() } : {}),
  });
  const h = started.hypothesis;
  await say(
    deps,
    channel,
    `:hourglass_flowing_sand: ${h.id} (${escapeText(h.owner)}, ${h.timeboxMinutes}-min time-box): ${escapeText(h.statement)}${started.warnings.length ? `\n_${escapeText(started.warnings.join(' '))}_` : ''}`,
  );
}

export async function trackActionItem(
  deps: SlackDeps,
  channel: string,
  incidentId: string,
  item: { title: string; owner: Person; due: string; kind: ActionKind },
  by: Person,
): Promise<void> {
  const added = await addActionItem(deps.runtime.context(by.name), {
    incidentId,
    title: item.title.trim(),
    owner: item.owner.name,
    due: item.due,
    kind: item.kind,
    priority: 'P2',
    createdBy: by.name,
  });
  const i = added.item;
  await say(
    deps,
    channel,
    `:white_square_button: ${added.created ? 'Tracking' : 'Already tracked'} ${i.id}: ${escapeText(i.title)} — ${escapeText(i.owner)}, due ${i.dueAt.slice(0, 10)}${added.warnings.length ? `\n_${escapeText(added.warnings.join(' '))}_` : ''}`,
  );
}
