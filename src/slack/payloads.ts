import { z } from 'zod';

/**
 * What this app reads from Slack's payloads, checked at the edge: ids by their shape, texts
 * bounded. Fields we do not read are let through untouched (Slack adds fields over time).
 */

const id = (prefix: string) =>
  z
    .string()
    .regex(
      new RegExp(`^[${prefix}][A-Z0-9]{1,30}$`),
      `must be a Slack id starting with ${prefix.split('').join(' or ')}`,
    );
export const UserId = id('UWB');
export const ChannelId = id('CGD');
export const Ts = z.string().regex(/^\d{1,12}\.\d{1,8}$/, 'must be a Slack message ts');
/** Slack's own cap on a message is 40,000 characters; anything longer is not from Slack. */
const Text = z.string().max(40_000);
const Files = z
  .array(z.looseObject({ name: z.string().max(500).optional(), title: z.string().max(500).optional() }))
  .max(100)
  .optional();

export const SlashCommandPayload = z.looseObject({
  command: z.string().max(40),
  text: z.string().max(4000).default(''),
  user_id: UserId,
  channel_id: ChannelId,
  trigger_id: z.string().max(200),
});
export type SlashCommandPayload = z.output<typeof SlashCommandPayload>;

export const MessageBody = z.looseObject({
  ts: Ts,
  user: UserId.optional(),
  bot_id: z.string().max(40).optional(),
  text: Text.default(''),
  files: Files,
  thread_ts: Ts.optional(),
  edited: z.looseObject({ user: UserId.optional() }).optional(),
});

export const MessageEvent = z.looseObject({
  type: z.literal('message'),
  subtype: z.string().max(60).optional(),
  channel: ChannelId,
  channel_type: z.string().max(20).optional(),
  user: UserId.optional(),
  bot_id: z.string().max(40).optional(),
  text: Text.default(''),
  ts: Ts,
  thread_ts: Ts.optional(),
  files: Files,
  message: MessageBody.optional(),
  previous_message: MessageBody.optional(),
  deleted_ts: Ts.optional(),
});
export type MessageEvent = z.output<typeof MessageEvent>;

export const AppMentionEvent = z.looseObject({
  type: z.literal('app_mention'),
  user: UserId.optional(),
  bot_id: z.string().max(40).optional(),
  text: Text.default(''),
  ts: Ts,
  channel: ChannelId,
  thread_ts: Ts.optional(),
  files: Files,
});

export const PinAddedEvent = z.looseObject({
  type: z.literal('pin_added'),
  user: UserId,
  channel_id: ChannelId,
  item: z.looseObject({ type: z.string().max(40), message: MessageBody.optional() }),
});

export const ReactionAddedEvent = z.looseObject({
  type: z.literal('reaction_added'),
  user: UserId,
  reaction: z.string().max(100),
  item: z.looseObject({ type: z.string().max(40), channel: ChannelId.optional(), ts: Ts.optional() }),
});

export const MessageShortcutPayload = z.looseObject({
  type: z.literal('message_action'),
  callback_id: z.string().max(255),
  trigger_id: z.string().max(200),
  user: z.looseObject({ id: UserId }),
  channel: z.looseObject({ id: ChannelId }),
  message: MessageBody,
});

export const BlockActionPayload = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: UserId }),
  trigger_id: z.string().max(200).optional(),
  channel: z.looseObject({ id: ChannelId }).optional(),
  container: z.looseObject({ channel_id: ChannelId.optional(), message_ts: Ts.optional() }).optional(),
  message: z.looseObject({ ts: Ts }).optional(),
  actions: z
    .array(
      z.looseObject({
        action_id: z.string().max(255),
        value: z.string().max(2000).optional(),
        selected_option: z.looseObject({ value: z.string().max(150) }).optional(),
      }),
    )
    .min(1)
    .max(10),
});
export type BlockActionPayload = z.output<typeof BlockActionPayload>;

const InputValue = z.looseObject({
  value: z.string().max(4000).nullish(),
  selected_user: UserId.nullish(),
  selected_date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullish(),
  selected_option: z.looseObject({ value: z.string().max(150) }).nullish(),
});

export const ViewSubmissionPayload = z.looseObject({
  type: z.literal('view_submission'),
  user: z.looseObject({ id: UserId }),
  view: z.looseObject({
    callback_id: z.string().max(255),
    private_metadata: z.string().max(3000).default(''),
    state: z.looseObject({
      values: z.record(z.string().max(255), z.record(z.string().max(255), InputValue)),
    }),
  }),
});
export type ViewSubmissionPayload = z.output<typeof ViewSubmissionPayload>;

export const ModalContextSchema = z.object({
  channel: ChannelId.nullable(),
  incidentId: z
    .string()
    .regex(/^INC-\d{1,9}$/)
    .nullable(),
  draftId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,60}$/)
    .optional(),
  revision: z.number().int().min(1).max(1_000_000).optional(),
});

/** A view's private_metadata, which we wrote: anything else is treated as empty. */
export function modalContext(raw: string): z.output<typeof ModalContextSchema> {
  try {
    const parsed = ModalContextSchema.safeParse(JSON.parse(raw || '{}'));
    return parsed.success ? parsed.data : { channel: null, incidentId: null };
  } catch {
    return { channel: null, incidentId: null };
  }
}

/** A field of a submitted form: its typed text, picked user, date or option. */
export function field(
  payload: ViewSubmissionPayload,
  block: string,
): { text: string; user: string | null; date: string | null; option: string | null } {
  const v = payload.view.state.values[block]?.['value'];
  return {
    text: v?.value?.trim() ?? '',
    user: v?.selected_user ?? null,
    date: v?.selected_date ?? null,
    option: v?.selected_option?.value ?? null,
  };
}
