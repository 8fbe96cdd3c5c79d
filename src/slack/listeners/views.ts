import type { App } from '@slack/bolt';
import { isCommanderError } from '../../core/errors.js';
import { validateActionItem } from '../../incident/follow-up.js';
import { ACTION_KINDS, type ActionKind } from '../../store/types.js';
import { declare, reportText } from '../declare.js';
import type { SlackDeps } from '../deps.js';
import { VIEW } from '../ids.js';
import * as moves from '../moves.js';
import { field, modalContext, ViewSubmissionPayload } from '../payloads.js';
import { afterAck, privately } from './respond.js';

type ViewAck = (response?: { response_action: 'errors'; errors: Record<string, string> }) => Promise<void>;

/** A form with a field left empty (or wrong) stays open with the message under that field. */
const refuse = (ack: ViewAck, block: string, message: string): Promise<void> =>
  ack({ response_action: 'errors', errors: { [block]: message } });

/** Form submissions: checked before they are acknowledged (errors show in the form), the work done after. */
export function registerViews(app: App, deps: SlackDeps): void {
  const on = (callbackId: string, handle: (payload: ViewSubmissionPayload, ack: ViewAck) => Promise<void>): void => {
    app.view(callbackId, async ({ ack, body }) => {
      const parsed = ViewSubmissionPayload.safeParse(body);
      if (!parsed.success) {
        await ack();
        deps.logger.warn({ issues: parsed.error.issues.slice(0, 3) }, 'unreadable form submission');
        return;
      }
      await handle(parsed.data, ack as ViewAck);
    });
  };

  on(VIEW.declare, async (payload, ack) => {
    const title = field(payload, 'title').text;
    const broken = field(payload, 'broken').text;
    if (!title) return refuse(ack, 'title', 'Give the incident a title.');
    if (!broken) return refuse(ack, 'broken', 'Say what is broken: the commander sets the severity from it.');
    await ack();
    const context = modalContext(payload.view.private_metadata);
    const reply = privately(deps, payload.user.id, context.channel);
    afterAck(deps, 'declare form', reply, () =>
      declare(deps, reportText(title, broken, field(payload, 'affected').text), payload.user.id, reply),
    );
  });

  on(VIEW.hypothesis, async (payload, ack) => {
    const statement = field(payload, 'statement').text;
    if (!statement) return refuse(ack, 'statement', 'Say what you are testing.');
    const context = modalContext(payload.view.private_metadata);
    if (!context.incidentId) return ack();
    await ack();
    const incidentId = context.incidentId;
    afterAck(deps, 'hypothesis form', privately(deps, payload.user.id, context.channel), async () => {
      const channel = (await deps.refs.channelOf(incidentId))?.channel ?? context.channel!;
      await moves.beginHypothesis(
        deps,
        channel,
        incidentId,
        statement,
        field(payload, 'evidence').text,
        await deps.people.get(payload.user.id),
      );
    });
  });

  on(VIEW.resolve, async (payload, ack) => {
    const resolution = field(payload, 'resolution').text;
    if (!resolution) return refuse(ack, 'resolution', 'Say what ended the impact.');
    const context = modalContext(payload.view.private_metadata);
    if (!context.incidentId) return ack();
    await ack();
    const incidentId = context.incidentId;
    afterAck(deps, 'resolve form', privately(deps, payload.user.id, context.channel), async () => {
      const channel = (await deps.refs.channelOf(incidentId))?.channel ?? context.channel!;
      await moves.resolve(deps, channel, incidentId, resolution, await deps.people.get(payload.user.id));
    });
  });

  on(VIEW.action, async (payload, ack) => {
    const context = modalContext(payload.view.private_metadata);
    if (!context.incidentId) return ack();
    const title = field(payload, 'title').text;
    const ownerId = field(payload, 'owner').user;
    const due = field(payload, 'due').date;
    const kindOption = field(payload, 'kind').option;
    const kind: ActionKind = ACTION_KINDS.find((k) => k === kindOption) ?? 'prevent';
    if (!title) return refuse(ack, 'title', 'Say what needs doing.');
    if (!ownerId) return refuse(ack, 'owner', 'Pick the one person who owns it.');
    if (!due) return refuse(ack, 'due', 'Pick the date it is due.');
    const owner = await deps.people.get(ownerId);
    try {
      validateActionItem(deps.runtime.context(owner.name), {
        incidentId: context.incidentId,
        title,
        owner: owner.name,
        due,
        kind,
        priority: 'P2',
      });
    } catch (error) {
      if (isCommanderError(error))
        return refuse(ack, /due/.test(error.message) ? 'due' : 'owner', error.message.slice(0, 150));
      throw error;
    }
    await ack();
    const incidentId = context.incidentId;
    afterAck(deps, 'action item form', privately(deps, payload.user.id, context.channel), async () => {
      const channel = (await deps.refs.channelOf(incidentId))?.channel ?? context.channel!;
      await moves.trackActionItem(
        deps,
        channel,
        incidentId,
        { title, owner, due, kind },
        await deps.people.get(payload.user.id),
      );
    });
  });

  on(VIEW.editCustomer, async (payload, ack) => {
    const text = field(payload, 'text').text;
    if (!text) return refuse(ack, 'text', 'The update cannot be empty: discard it instead.');
    const context = modalContext(payload.view.private_metadata);
    if (!context.draftId || !context.revision) return ack();
    await ack();
    const draft = { id: context.draftId, revision: context.revision };
    afterAck(deps, 'customer edit form', privately(deps, payload.user.id, context.channel), async () =>
      moves.editCustomerUpdate(deps, draft, text, await deps.people.get(payload.user.id)),
    );
  });
}
