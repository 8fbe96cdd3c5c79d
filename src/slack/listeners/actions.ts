import type { App } from '@slack/bolt';
import { NotFoundError } from '../../core/errors.js';
import type { SlackDeps } from '../deps.js';
import { ACTION, AudienceValue, DraftValue, IncidentIdValue, RoleValue, SnoozeValue } from '../ids.js';
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
  reply: (m: ReturnType<typeof renderNotice>) => Promise<void>;
}

/**
 * Buttons and menus: acknowledged at once; forms open on the fresh trigger first, other work
 * runs after. Every value is ours, read back from Slack, so it is checked again.
 */
export function registerActions(app: App, deps: SlackDeps, remind: Reminders): void {
  /**
   * A click, acknowledged at once. A click that opens a form opens it before anything slower (the
   * trigger expires in 3 seconds, so not even a profile lookup comes first); any other does its work
   * after, with the person who clicked.
   */
  const listen = (id: string | RegExp, handle: (clicked: Clicked) => Promise<void>): void => {
    app.action(id, async ({ ack, body, respond }) => {
      await ack();
      const parsed = BlockActionPayload.safeParse(body);
      if (!parsed.success) {
        deps.logger.warn({ issues: parsed.error.issues.slice(0, 3) }, 'unreadable block action');
        return;
      }
      const payload = parsed.data;
      const action = payload.actions[0]!;
      const channel = payload.channel?.id ?? payload.container?.channel_id ?? null;
      const reply = viaResponseUrl(respond as BoltRespond | undefined, privately(deps, payload.user.id, channel));
      const clicked = { payload, value: action.selected_option?.value ?? action.value ?? '', reply };
      try {
        await handle(clicked);
      } catch (error) {
        afterAck(deps, String(id), reply, () => Promise.reject(error));
      }
    });
  };
  const on = (id: string | RegExp, work: (clicked: Clicked & { person: Person }) => Promise<void>): void =>
    listen(id, async (clicked) =>
      afterAck(deps, String(id), clicked.reply, async () =>
        work({ ...clicked, person: await deps.people.get(clicked.payload.user.id) }),
      ),
    );
  const onForm = (id: string, open: (clicked: Clicked & { trigger: string }) => Promise<void>): void =>
    listen(id, async (clicked) => {
      if (clicked.payload.trigger_id) await open({ ...clicked, trigger: clicked.payload.trigger_id });
    });

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
    if (audience === 'customer') await moves.draftCustomerUpdate(deps, incidentId, person);
    else await moves.postUpdate(deps, channel, incidentId, audience, person);
  });

  on(ACTION.draftCustomer, async ({ value, person }) => {
    await moves.draftCustomerUpdate(deps, IncidentIdValue.parse(value), person);
  });

  on(ACTION.snooze, async ({ value, person, reply }) => {
    const [incidentId, kind] = SnoozeValue.parse(value);
    if (!(await remind.snooze(incidentId, kind, person.name)))
      await reply(renderNotice('That reminder is not open any more.'));
  });

  on(ACTION.approveCustomer, async ({ value, person, reply }) => {
    await moves.decideCustomerUpdate(deps, 'approve', DraftValue.parse(value), person, reply);
  });

  on(ACTION.discardCustomer, async ({ value, person, reply }) => {
    await moves.decideCustomerUpdate(deps, 'discard', DraftValue.parse(value), person, reply);
  });

  onForm(ACTION.editCustomer, async ({ value, payload, trigger }) => {
    const shown = DraftValue.parse(value);
    const draft = await deps.approvals.get(shown.id);
    if (!draft)
      throw new NotFoundError(
        'customer update draft',
        shown.id,
        'Draft a new one with the "Draft customer update" button.',
      );
    const context = {
      channel: payload.channel?.id ?? null,
      incidentId: draft.incidentId,
      draftId: draft.id,
      revision: shown.revision,
    };
    // The form edits the revision the card showed: saving is refused if someone changed it since.
    await deps.web.openView(trigger, customerEditModal(context, draft.text));
  });

  onForm(ACTION.startHypothesis, async ({ value, payload, trigger }) => {
    const incidentId = IncidentIdValue.parse(value);
    const timebox = deps.runtime.soul.config.settings.hypothesis_timebox_minutes;
    await deps.web.openView(trigger, hypothesisModal({ channel: payload.channel?.id ?? null, incidentId }, timebox));
  });

  onForm(ACTION.resolve, async ({ value, payload, trigger }) => {
    const incidentId = IncidentIdValue.parse(value);
    await deps.web.openView(trigger, resolveModal({ channel: payload.channel?.id ?? null, incidentId }));
  });

  onForm(ACTION.openDeclare, async ({ value, payload, trigger }) => {
    await deps.web.openView(trigger, declareModal({ channel: payload.channel?.id ?? null, incidentId: null }, value));
  });
}
