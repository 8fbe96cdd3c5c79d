import { ZERO_USAGE, type ModelEvents, type ModelPort, type ModelRequest, type ModelResponse } from '../agent/types.js';
import { readMessage } from './intent.js';
import { incidentReport, incidentUpdate } from './plays/incident.js';
import { statusSummary, statusUpdate } from './plays/communications.js';
import { actionItems, postmortem } from './plays/follow-up.js';
import { general } from './plays/general.js';
import { blame, firstError, skipProcess } from './plays/pushback.js';
import { hypothesis, logToTimeline, resolution, runbooks, timebox } from './plays/live.js';
import { oncall, severityGuide } from './plays/readiness.js';
import { slo } from './plays/slo.js';
import type { Play, PlaybookEnv } from './step.js';
import { readTurn } from './turn.js';

/** In priority order: the first play that applies answers the message. */
export const PLAYS: readonly Play[] = [
  oncall,
  runbooks,
  slo,
  severityGuide,
  blame,
  postmortem,
  actionItems,
  statusUpdate,
  resolution,
  timebox,
  hypothesis,
  incidentReport,
  skipProcess,
  firstError,
  incidentUpdate,
  logToTimeline,
  statusSummary,
  general,
];

export const PLAYBOOK_MODEL = 'offline-playbook';

/**
 * The offline playbook: a deterministic engine that plays the model's part behind the same port.
 * It reads the conversation (the user's words, the runtime's context block, this turn's tool
 * results), picks a play, and answers with tool calls or a final text — so the same loop and the
 * same tools run with or without Claude. It never calls a tool outside the request's tool list.
 */
export class Playbook implements ModelPort {
  readonly name = PLAYBOOK_MODEL;

  constructor(private readonly env: () => Omit<PlaybookEnv, 'allowed'>) {}

  async respond(request: ModelRequest, events: ModelEvents): Promise<ModelResponse> {
    const turn = readTurn(request.messages);
    const env: PlaybookEnv = { ...this.env(), allowed: new Set(request.tools.map((t) => t.name)) };
    const reading = readMessage(turn.text, env.services);
    const play = PLAYS.find((p) => p.applies(reading, turn)) ?? general;
    const step = play.next(turn, reading, env);
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
