import type { Conversation, ConversationService } from '../conversation/service.js';
import { NotFoundError } from '../core/errors.js';
import { UsageError } from './io.js';

/** The conversation `--incident` names (resumed, or new and attached to it), or a new one; a usage error for an unknown id. */
export async function openConversation(
  conversations: ConversationService,
  incidentId: string | undefined,
  otherwise: string,
): Promise<Conversation> {
  try {
    return await conversations.open(incidentId ? { kind: 'incident', incidentId } : { kind: 'new' });
  } catch (error) {
    if (error instanceof NotFoundError && incidentId)
      throw new UsageError(
        `--incident: ${incidentId} does not exist`,
        `Run \`incident-commander incidents list\` for the ids, or leave out --incident${otherwise}.`,
      );
    throw error;
  }
}
