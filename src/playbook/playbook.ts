import { type ModelEvents, type ModelPort, type ModelRequest, type ModelResponse, ZERO_USAGE } from '../agent/types.js';
import { communicationsOrLive } from './plays/route.js';
import { hear } from './reading.js';
import type { PlaybookEnv } from './step.js';
import { readTurn } from './turn.js';

export const PLAYBOOK_MODEL = 'offline-playbook';

/**
 * The offline playbook: a deterministic engine that plays the model's part behind the same port.
 * It reads the user's words with the language layer and the live state the runtime hands it as
 * data, picks a play, and answers with tool calls or a final text — so the same loop and the same
 * tools run with or without Claude. It never calls a tool outside the request's tool list.
 */
export class Playbook implements ModelPort {
  readonly name = PLAYBOOK_MODEL;

  constructor(private readonly env: () => Omit<PlaybookEnv, 'allowed'>) {}

  async respond(request: ModelRequest, events: ModelEvents): Promise<ModelResponse> {
    const turn = readTurn(request.messages, request.context);
    const env: PlaybookEnv = { ...this.env(), allowed: new Set(request.tools.map((t) => t.name)) };
    const heard = hear(turn, env);
    const play = communicationsOrLive(heard, turn);
    const step = play.next(turn, heard, env);
    if (step.kind === 'tools') {
      const calls = step.calls.filter((c) => env.allowed.has(c.name));
      if (calls.length) {
        const base = request.messages.length;
        return {
          content: calls.map((c, i) => ({
            type: 'tool_use',
            id: `toolu_playbook_${base}_${i}`,
            name: c.name,
            input: c.input,
          })),
          stopReason: 'tool_use',
          usage: ZERO_USAGE,
          model: PLAYBOOK_MODEL,
        };
      }
    }
    const text =
      step.kind === 'reply'
        ? step.text
        : `I would need ${step.calls.map((c) => c.name).join(', ')} for this, but this persona does not allow ${step.calls.length > 1 ? 'them' : 'it'} (SOUL.md tools).`;
    for (const chunk of text.match(/[\s\S]{1,400}/g) ?? []) events.onText(chunk);
    return { content: [{ type: 'text', text }], stopReason: 'end_turn', usage: ZERO_USAGE, model: PLAYBOOK_MODEL };
  }
}
