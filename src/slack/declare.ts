import { clip, fitMessage, LIMITS, md, type Message, plain, sections } from './blocks.js';
import { syncCards } from './cards.js';
import { ensureChannel } from './channel.js';
import type { SlackDeps } from './deps.js';
import { ACTION } from './ids.js';
import { escapeText, markdownToMrkdwn } from './mrkdwn.js';
import { renderOwn, renderReply } from './render/reply.js';
import { quietOutput, TURN_TEXT_MAX } from './turns.js';

/** Where the person who declared is told what happened (an ephemeral reply). */
export type Respond = (message: Message) => Promise<void>;

/** The declare form's fields as the report the commander reads: the same words a person would type. */
export function reportText(title: string, broken: string, affected: string): string {
  const sentence = (s: string): string => {
    const t = s.trim();
    return t && !/[.!?]$/.test(t) ? `${t}.` : t;
  };
  return [sentence(title), sentence(broken), affected.trim() ? `Affected: ${sentence(affected)}` : '']
    .filter(Boolean)
    .join(' ');
}

/**
 * Declares an incident from a report: the report is the declarer's turn with the commander, who
 * classifies, opens, assigns roles and drafts the first update as in any conversation; then the
 * incident gets its channel, and the commander's first reply is posted there. When the commander
 * did not open an incident (the report did not say what is broken), the declarer gets its question
 * and the form.
 */
export async function declare(deps: SlackDeps, report: string, user: string, respond: Respond): Promise<string | null> {
  const person = await deps.people.get(user);
  const notices: string[] = [];
  const conversation = await deps.conversations.open({ kind: 'new' });
  const result = await conversation.send(
    { text: clip(report, TURN_TEXT_MAX), actor: person.name },
    quietOutput(notices),
  );
  const incidentId = conversation.incidentId;
  if (!incidentId) {
    await respond(needMore(result.reply, report));
    return null;
  }
  const channel = await ensureChannel(deps, incidentId, [user]);
  await deps.web.post(channel.channel, renderReply(result.reply, notices));
  // The first update for customers the commander drafted waits on its card, below the reply.
  await syncCards(deps, incidentId);
  await respond(renderOwn(`${incidentId} is declared: <#${channel.channel}>. The response runs there.`));
  return incidentId;
}

/** The commander's question when a report was not enough, with the form to fill in instead. */
function needMore(reply: string, report: string): Message {
  return fitMessage({
    text: 'The commander needs more before declaring',
    blocks: [
      ...sections(markdownToMrkdwn(reply), 5),
      { type: 'context', elements: [md(`No incident was opened from “${escapeText(clip(report, 200))}”.`)] },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION.openDeclare,
            text: plain('Open the declare form', LIMITS.buttonText),
            value: clip(report, 150),
            style: 'primary',
          },
        ],
      },
    ],
  });
}
