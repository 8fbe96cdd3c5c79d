import { printable } from '../../core/control.js';
import type { Audience } from '../../core/audiences.js';
import { type Block, clip, fitMessage, LIMITS, md, type Message, plain, sections } from '../blocks.js';
import { helpText } from '../commands.js';
import { escapeText, markdownToMrkdwn } from '../mrkdwn.js';

/** The commander's answer to a turn, with any notice (a fallback to the playbook, a budget stop) below it. */
export function renderReply(reply: string, notices: readonly string[] = []): Message {
  const body = markdownToMrkdwn(reply);
  const blocks: Block[] = sections(body, 40);
  if (notices.length)
    blocks.push({
      type: 'context',
      elements: notices
        .slice(0, 5)
        .map((n) => md(`:information_source: ${escapeText(printable(n))}`, LIMITS.contextText)),
    });
  return fitMessage({
    text: clip(body, LIMITS.messageText) || 'The commander has nothing to add.',
    blocks,
  });
}

/** A short line the app says itself (an error, a confirmation): escaped, with an optional hint below. */
export function renderNotice(text: string, hint?: string): Message {
  const blocks: Block[] = [{ type: 'section', text: md(escapeText(printable(text))) }];
  if (hint) blocks.push({ type: 'context', elements: [md(escapeText(printable(hint)), LIMITS.contextText)] });
  return fitMessage({ text: escapeText(printable(text)), blocks });
}

/** A line the app composed itself in mrkdwn (links to channels, our own formatting): the caller escapes what it quotes. */
export function renderOwn(mrkdwn: string, hint?: string): Message {
  const blocks: Block[] = [{ type: 'section', text: md(mrkdwn) }];
  if (hint) blocks.push({ type: 'context', elements: [md(escapeText(printable(hint)), LIMITS.contextText)] });
  return fitMessage({ text: mrkdwn.replace(/<#([A-Z0-9]+)>/g, '#$1'), blocks });
}

/** The slash command's help, as the person asking sees it. */
export function renderHelp(command: string, unknown: string | null, suggestion: string | null): Message {
  return fitMessage({ text: 'How to use the commander', blocks: sections(helpText(command, unknown, suggestion), 5) });
}

const AUDIENCE_TITLE: Record<Audience, string> = {
  engineering: 'Engineering update',
  executive: 'Executive update',
  customer: 'Customer update',
};

/** A stakeholder update as posted to the incident channel and the audience's stakeholder channels. */
export function renderUpdate(
  incidentId: string,
  audience: Audience,
  body: string,
  author: string,
  noChange: boolean,
): Message {
  return fitMessage({
    text: escapeText(
      `${AUDIENCE_TITLE[audience]} for ${incidentId}: ${clip(printable(body).split('\n')[0] ?? '', 200)}`,
    ),
    blocks: [
      { type: 'header', text: plain(`${AUDIENCE_TITLE[audience]} · ${incidentId}`, LIMITS.headerText) },
      ...sections(escapeText(printable(body)), 10),
      {
        type: 'context',
        elements: [
          md(`Posted by ${escapeText(author)}${noChange ? ' · no change since the last update, said plainly' : ''}`),
        ],
      },
    ],
  });
}
