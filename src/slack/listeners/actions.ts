import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { ACTION, AudienceValue, IncidentIdValue, RoleValue, SnoozeValue } from '../ids.js';
import * as moves from '../moves.js';
import { type BlockActionPayload as Payload, BlockActionPayload } from '../payloads.js';
import type { Person } from '../people.js';
import type { Reminders } from '../remind.js';
import { customerEditModal, declareModal, hypothesisModal, resolveModal } from '../render/modals.js';
import { renderNotice } from '../render/reply.js';
import { afterAck, type BoltRespond, privately, viaResponseUrl } from './respond.js';

interface Clicked {
  payload: Payload;
  value: string;
  person: Person;
  reply: (m: ReturnType<typeof renderNotice>) => Promise<void>;
}

/** The card or message a click came from, to edit it in place. */
function card(payload: Payload): { channel: string; ts: string } | null {
  const channel = payload.container?.channel_id ?? payload.channel?.id;
  const ts = payload.container?.message_ts ?? payload.message?.ts;
  return channel && ts ? { channel, ts } : null;
}

/**
 * Buttons and menus: acknowledged at once; forms open on the fresh trigger first, other work
 * runs after. Every value is ours, read back from Slack, so it is checked again.
 */
export function registerActions(app: App, deps: SlackDeps, remind: Reminders): void {
  const on = (
    id: string | RegExp,
    work: (clicked: Clicked) => Promise<void>,
    options: { opensForm?: boolean } = {},
  ): void => {
    app.action(id, async ({ ack, body, respond }) => {
      await ack();
      const parsed = BlockActionPayload.safeParse(body);
      if (!parsed.success) {
        deps.logger.warn({ issues: parsed.error.issues.slice(0, 3) }, 'unreadable block action');
        return;
      }
      const payload = parsed.data;
      const action = payload.actions[0]!;
      const value = action.selected_option?.value ?? action.value ?? '';
      const channel = payload.channel?.id ?? payload.container?.channel_id ?? null;
      const reply = viaResponseUrl(respond as BoltRespond | undefined, privately(deps, payload.user.id, channel));
      if (options.opensForm) {
        // The trigger expires in 3 seconds: nothing slow (no profile lookup) before the form opens.
        try {
          await work({
            payload,
            value,
            person: { id: payload.user.id, name: payload.user.id, isBot: false, known: false },
            reply,
          });
        } catch (error) {
          afterAck(deps, String(id), reply, () => Promise.reject(error));
        }
        return;
      }
      afterAck(deps, String(id), reply, async () =>
        work({ payload, value, person: await deps.people.get(payload.user.id), reply }),
      );
    });
  };

  const incidentChannel = async (incidentId: string, fallback: string | null): Promise<string> => {
    const channel = (await deps.refs.channelOf(incidentId))?.channel ?? fallback;
    if (!channel) throw new Error(`${incidentId} has no Slack channel`);
    return channel;
  };

  on(ACTION.claimRole, async ({ value, person, payload }) => {
    const [incidentId, role] = RoleValue.parse(value);
    await moves.claimRole(
      deps,
      await incidentChannel(incidentId, payload.channel?.id ?? null),
      incidentId,
      role,
      person,
      person,
    );
  });

  on(new RegExp(`^${ACTION.postUpdate}`), async ({ value, person, payload }) => {
    const [incidentId, audience] = AudienceValue.parse(value);
    const channel = await incidentChannel(incidentId, payload.channel?.id ?? null);
    if (audience === 'customer') await moves.draftCustomerUpdate(deps, channel, incidentId, person);
    else await moves.postUpdate(deps, channel, incidentId, audience, person);
  });

  on(ACTION.draftCustomer, async ({ value, person, payload }) => {
    const incidentId = IncidentIdValue.parse(value);
    await moves.draftCustomerUpdate(
      deps,
      await incidentChannel(incidentId, payload.channel?.id ?? null),
      incidentId,
      person,
    );
  });

  on(ACTION.snooze, async ({ value, person, reply }) => {
    const [incidentId, kind] = SnoozeValue.parse(value);
    if (!(await remind.snooze(incidentId, kind, person.name)))
      await reply(renderNotice('That reminder is not open any more.'));
  });

  on(ACTION.approveCustomer, async ({ value, person, payload }) => {
    await moves.decideCustomerUpdate(deps, 'approve', value, person, card(payload));
  });

  on(ACTION.discardCustomer, async ({ value, person, payload }) => {
    await moves.decideCustomerUpdate(deps, 'discard', value, person, card(payload));
  });

  on(
    ACTION.editCustomer,
    async ({ value, payload }) => {
      const draft = await deps.approvals.get(value);
      if (!draft || !payload.trigger_id) throw new Error('that draft is gone');
      await deps.web.openView(
        payload.trigger_id,
        customerEditModal(
          {
            channel: payload.channel?.id ?? null,
            incidentId: draft.incidentId,
            draftId: draft.id,
            card: card(payload) ?? undefined,
          },
          draft.text,
        ),
      );
    },
    { opensForm: true },
  );

  on(
    ACTION.startHypothesis,
    async ({ value, payload }) => {
      const incidentId = IncidentIdValue.parse(value);
      if (!payload.trigger_id) return;
      await deps.web.openView(
        payload.trigger_id,
        hypothesisModal(
          { channel: payload.channel?.id ?? null, incidentId },
          deps.runtime.soul.config.settings.hypothesis_timebox_minutes,
        ),
      );
    },
    { opensForm: true },
  );

  on(
    ACTION.resolve,
    async ({ value, payload }) => {
      const incidentId = IncidentIdValue.parse(value);
      if (!payload.trigger_id) return;
      await deps.web.openView(payload.trigger_id, resolveModal({ channel: payload.channel?.id ?? null, incidentId }));
    },
    { opensForm: true },
  );

  on(
    ACTION.openDeclare,
    async ({ value, payload }) => {
      if (!payload.trigger_id) return;
      await deps.web.openView(
        payload.trigger_id,
        declareModal({ channel: payload.channel?.id ?? null, incidentId: null }, value),
      );
    },
    { opensForm: true },
  );
}
