import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SessionStore } from '../store/sessions.js';
import { scrubSecrets } from '../core/logger.js';
import { ZERO_USAGE, type Message, type Usage } from './types.js';

/** One conversation with the commander. Saved after every step, so a crash loses at most the step in flight. */
export interface Session {
  id: string;
  incidentId: string | null;
  /** The channel this conversation belongs to (a Slack channel or thread); null for a terminal or one-shot. */
  channel: string | null;
  messages: Message[];
  usage: Usage;
  costUsd: number;
  turns: number;
  createdAt: string;
}

const TextBlock = z.object({ type: z.literal('text'), text: z.string() });
const ToolUse = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});
const ToolResult = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.string(),
  is_error: z.boolean().optional(),
});
const MessageSchema = z.union([
  z.object({ role: z.literal('user'), content: z.array(z.union([TextBlock, ToolResult])) }),
  z.object({ role: z.literal('assistant'), content: z.array(z.union([TextBlock, ToolUse])) }),
]);
const SessionData = z.object({
  messages: z.array(MessageSchema),
  usage: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    cacheReadTokens: z.number(),
    cacheWriteTokens: z.number(),
  }),
  costUsd: z.number(),
  turns: z.number().int(),
});

export function newSession(now: Date, incidentId: string | null = null, channel: string | null = null): Session {
  return {
    id: `chat-${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`,
    incidentId,
    channel,
    messages: [],
    usage: ZERO_USAGE,
    costUsd: 0,
    turns: 0,
    createdAt: now.toISOString(),
  };
}

export async function saveSession(store: SessionStore, session: Session, now: Date): Promise<void> {
  const data: z.input<typeof SessionData> = {
    // What is kept on disk carries no known secret, whichever way one got into the conversation.
    messages: JSON.parse(scrubSecrets(JSON.stringify(session.messages))) as Message[],
    usage: session.usage,
    costUsd: session.costUsd,
    turns: session.turns,
  };
  await store.save({
    id: session.id,
    incidentId: session.incidentId,
    channel: session.channel,
    data,
    createdAt: session.createdAt,
    updatedAt: now.toISOString(),
  });
}

/**
 * The saved session attached to an incident, holding a channel, or by id. A stored conversation
 * that no longer validates is reported, not silently dropped: the caller starts a new one and says so.
 */
export async function resumeSession(
  store: SessionStore,
  key: { incidentId: string } | { channel: string } | { id: string },
): Promise<Session | null> {
  const saved =
    'incidentId' in key
      ? await store.findByIncident(key.incidentId)
      : 'channel' in key
        ? await store.findByChannel(key.channel)
        : await store.load(key.id);
  if (!saved) return null;
  const data = SessionData.safeParse(saved.data);
  if (!data.success)
    throw new Error(`saved session ${saved.id} is unreadable (${data.error.issues[0]?.message}); start a new one`);
  return {
    id: saved.id,
    incidentId: saved.incidentId,
    channel: saved.channel,
    createdAt: saved.createdAt,
    ...(data.data as Omit<Session, 'id' | 'incidentId' | 'channel' | 'createdAt'>),
  };
}
