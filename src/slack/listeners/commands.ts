import type { App } from '@slack/bolt';
import { oneLine } from '../../core/control.js';
import { incidentView } from '../../incident/view.js';
import type { Message } from '../blocks.js';
import { parseCommand, resolveRole, type SlashCommand } from '../commands.js';
import { declare } from '../declare.js';
import type { SlackDeps } from '../deps.js';
import { escapeText, mentionedUsers } from '../mrkdwn.js';
import * as moves from '../moves.js';
import { SlashCommandPayload } from '../payloads.js';
import type { Person } from '../people.js';
import { renderHeadline } from '../render/headline.js';
import { actionItemModal, declareModal, resolveModal } from '../render/modals.js';
import { renderHelp, renderNotice, renderOwn } from '../render/reply.js';
import { converse } from '../turns.js';
import { afterAck, type BoltRespond, viaResponseUrl } from './respond.js';

type Ack = (response?: { response_type: 'ephemeral'; text: string; blocks?: unknown[] }) => Promise<void>;

const ackWith = (ack: Ack, message: Message): Promise<void> =>
  ack({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });

/** Who a `role` subcommand names: "me" (or nothing), a mention, or a name the roster may not know. */
async function holder(deps: SlackDeps, words: string, self: Person): Promise<Person> {
  const trimmed = words.trim();
  if (!trimmed || /^(me|myself|i)$/i.test(trimmed)) return self;
  const [mentioned] = mentionedUsers(trimmed);
  if (mentioned) return deps.people.get(mentioned);
  const name = oneLine(trimmed.replace(/^@/, ''), 100);
  const known = deps.runtime.roster.people.find((p) => p.name.toLowerCase() === name.toLowerCase());
  return { id: `name:${name}`, name: known?.name ?? name, isBot: false, known: !!known };
}

/** `/ic …`: acknowledged at once (within Slack's 3 seconds), the work done after. */
export function registerCommands(app: App, deps: SlackDeps): void {
  app.command(deps.settings.command, async ({ command, ack, respond }) => {
    const parsed = SlashCommandPayload.safeParse(command);
    if (!parsed.success) {
      await ack({ response_type: 'ephemeral', text: 'That command could not be read; try again.' });
      return;
    }
    const p = parsed.data;
    const cmd = parseCommand(p.text);
    const reply = viaResponseUrl(respond as BoltRespond, async () => undefined);
    await dispatch(deps, cmd, p, ack as Ack, reply);
  });
}

async function dispatch(
  deps: SlackDeps,
  cmd: SlashCommand,
  p: SlashCommandPayload,
  ack: Ack,
  reply: (m: Message) => Promise<void>,
): Promise<void> {
  const { command } = deps.settings;
  const channel = p.channel_id;
  if (cmd.name === 'help') {
    await ackWith(ack, renderHelp(command, cmd.unknown, cmd.suggestion));
    return;
  }
  if (cmd.name === 'declare') {
    if (!cmd.text) {
      await ack();
      // The trigger is good for 3 seconds: the form opens first, before anything slower.
      await deps.web.openView(p.trigger_id, declareModal({ channel, incidentId: null }));
      return;
    }
    await ackWith(ack, renderNotice('Declaring: the commander is reading your report…'));
    afterAck(deps, 'declare', reply, () => declare(deps, cmd.text, p.user_id, reply));
    return;
  }
  const incidentId = await deps.refs.incidentOf(channel);
  if (cmd.name === 'status') {
    await ack();
    afterAck(deps, 'status', reply, async () => {
      if (incidentId) {
        const view = await incidentView(deps.runtime.context('slack'), incidentId, { timelineLimit: 1 });
        await reply(renderHeadline(view, deps.runtime.clock.now()));
        return;
      }
      await reply(await liveIncidents(deps));
    });
    return;
  }
  if (!incidentId) {
    await ackWith(
      ack,
      renderNotice(
        `\`${command} ${cmd.name}\` works in an incident's channel.`,
        `Run it there, or \`${command} status\` here for the live incidents and their channels.`,
      ),
    );
    return;
  }
  const self = await deps.people.get(p.user_id);
  const incidentChannel = (await deps.refs.channelOf(incidentId))?.channel ?? channel;
  switch (cmd.name) {
    case 'sev': {
      if (!cmd.severity) {
        await ackWith(
          ack,
          renderNotice('Give the level and why.', `e.g. \`${command} sev SEV2 only EU customers affected\``),
        );
        return;
      }
      await ack();
      afterAck(deps, 'sev', reply, () =>
        moves.changeSeverity(deps, incidentChannel, incidentId, cmd.severity!, cmd.reason, self),
      );
      return;
    }
    case 'role': {
      const role = resolveRole(cmd.role, deps.runtime.soul.config.settings.roles);
      if (!role) {
        const roles = deps.runtime.soul.config.settings.roles.map((r) => `\`${r.short}\``).join(', ');
        await ackWith(
          ack,
          renderNotice(
            `Which role? One of ${roles}.`,
            `e.g. \`${command} role comms @priya\`, or \`${command} role scribe me\``,
          ),
        );
        return;
      }
      await ack();
      afterAck(deps, 'role', reply, async () =>
        moves.claimRole(deps, incidentChannel, incidentId, role.id, await holder(deps, cmd.person, self), self),
      );
      return;
    }
    case 'update': {
      await ack();
      afterAck(deps, 'update', reply, () =>
        cmd.audience === 'customer'
          ? moves.draftCustomerUpdate(deps, incidentId, self)
          : moves.postUpdate(deps, incidentChannel, incidentId, cmd.audience ?? 'engineering', self, cmd.whatChanged),
      );
      return;
    }
    case 'note':
      await ack();
      afterAck(deps, 'note', reply, () => moves.addNote(deps, incidentChannel, incidentId, cmd.text, self));
      return;
    case 'action':
      if (!cmd.text) {
        await ack();
        await deps.web.openView(p.trigger_id, actionItemModal({ channel: incidentChannel, incidentId }));
        return;
      }
      await ack();
      // Free text is the commander's to read (owner and due date, or a question for them).
      afterAck(deps, 'action', reply, () =>
        converse(deps, {
          channel: incidentChannel,
          incidentId,
          conversationChannel: incidentChannel,
          text: `Action item: ${cmd.text}`,
          person: self,
          replyIn: undefined,
          announceIn: undefined,
        }),
      );
      return;
    case 'resolve':
      if (!cmd.text) {
        await ack();
        await deps.web.openView(p.trigger_id, resolveModal({ channel: incidentChannel, incidentId }));
        return;
      }
      await ack();
      afterAck(deps, 'resolve', reply, () => moves.resolve(deps, incidentChannel, incidentId, cmd.text, self));
      return;
  }
}

/** `/ic status` outside an incident channel: the live incidents and where each is run. */
async function liveIncidents(deps: SlackDeps): Promise<Message> {
  const live = await deps.runtime.store.listIncidents({
    status: ['investigating', 'identified', 'monitoring'],
    limit: 20,
  });
  if (!live.length) return renderNotice('No live incidents.', `Declare one with \`${deps.settings.command} declare\`.`);
  const lines: string[] = [];
  for (const incident of live) {
    const channel = await deps.refs.channelOf(incident.id);
    lines.push(
      `• *${incident.id}* ${incident.severity} ${incident.status} — ${escapeText(incident.title)}${channel ? ` · <#${channel.channel}>` : ''}`,
    );
  }
  return renderOwn(`*Live incidents*\n${lines.join('\n')}`);
}
