import type { Message } from '../blocks.js';
import type { Respond } from '../declare.js';
import type { SlackDeps } from '../deps.js';
import { failure } from '../turns.js';

/** Bolt's `respond` (a response_url), as this app calls it: ephemeral, never replacing the original. */
export type BoltRespond = (message: {
  response_type: 'ephemeral';
  replace_original: false;
  text: string;
  blocks: unknown[];
}) => Promise<unknown>;

export function viaResponseUrl(respond: BoltRespond | undefined, fallback: Respond): Respond {
  if (!respond) return fallback;
  return async (message: Message) => {
    await respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
  };
}

/** Where an answer goes when there is no response_url (a form was submitted): only the person sees it. */
export function privately(deps: SlackDeps, user: string, channel: string | null): Respond {
  return async (message: Message) => {
    if (channel) {
      try {
        await deps.web.ephemeral(channel, user, message);
        return;
      } catch {
        // Not in that channel: the app's direct messages reach them anyway.
      }
    }
    await deps.web.post(user, message);
  };
}

/** Runs work after the acknowledgement; a failure is told to the person with what to do. */
export function afterAck(deps: SlackDeps, name: string, respond: Respond, work: () => Promise<unknown>): void {
  deps.tasks.run(name, async () => {
    try {
      await work();
    } catch (error) {
      await respond(failure(error, deps)).catch((e: unknown) =>
        deps.logger.warn({ err: e }, 'could not tell the user'),
      );
      deps.logger.warn({ err: error, task: name }, 'Slack request failed');
    }
  });
}
