import { Agent } from '../agent/loop.js';
import { ModelUnavailableError, type ModelPort } from '../agent/types.js';
import { ConversationService } from '../conversation/service.js';
import type { EvalCase } from './case.js';
import { createCaseEnvironment, type CaseEnvironment, type Shared } from './environment.js';
import type { Transcript, TurnRecord } from './transcript.js';

/** Who speaks in a case: the responder talking to the commander. */
const ACTOR = 'responder';

/** Builds the model for one case run; the offline playbook needs the case's fixture services. */
export type ModelFactory = (env: CaseEnvironment) => ModelPort;

/**
 * Plays a case's user turns against the agent in an isolated environment and records what
 * happened: replies, tool calls, usage and the state left in the store. A turn that throws ends
 * the run; the error is recorded, never hidden.
 */
export async function runCase(
  evalCase: EvalCase,
  run: number,
  target: string,
  model: ModelFactory,
  shared: Shared,
): Promise<Transcript> {
  const env = createCaseEnvironment(evalCase, shared);
  const agent = new Agent({
    model: model(env),
    fallback: null,
    soul: () => shared.soul,
    registry: shared.registry,
    context: (actor) => env.context(actor),
    sessions: env.sessions,
    templates: shared.templates,
    clock: env.clock,
    logger: shared.logger,
    actor: ACTOR,
  });
  const conversations = new ConversationService({
    agent,
    sessions: env.sessions,
    incidents: env.store,
    clock: env.clock,
    logger: shared.logger,
  });
  const turns: TurnRecord[] = [];
  try {
    const conversation = await conversations.open({ kind: 'new' });
    for (const turn of evalCase.turns) {
      env.clock.advanceMinutes(turn.advanceMinutes);
      const at = env.clock.now().toISOString();
      try {
        const result = await conversation.send(
          { text: turn.user, actor: ACTOR },
          { onText: () => undefined, onNotice: () => undefined },
        );
        turns.push({
          user: turn.user,
          at,
          reply: result.reply,
          toolCalls: result.toolCalls.map((c) => ({
            name: c.name,
            input: c.input,
            output: c.output,
            isError: c.isError,
          })),
          usage: result.usage,
          costUsd: result.costUsd,
          stopReason: result.stopReason,
          model: result.model,
          error: null,
          state: await env.state(conversation.incidentId),
        });
      } catch (error) {
        turns.push({
          user: turn.user,
          at,
          reply: '',
          toolCalls: [],
          usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
          costUsd: 0,
          stopReason: 'error',
          model: target,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          errorKind: error instanceof ModelUnavailableError ? 'model' : 'runtime',
          state: await env.state(conversation.incidentId),
        });
        break;
      }
    }
  } finally {
    await env.close();
  }
  return {
    version: 1,
    caseId: evalCase.id,
    run,
    target,
    soulHash: shared.soul.hash,
    startedAt: new Date().toISOString(),
    turns,
  };
}
