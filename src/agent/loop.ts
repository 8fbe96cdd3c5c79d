import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/time.js';
import { type IncidentView, incidentView } from '../incident/view.js';
import type { ToolRegistry } from '../registry/registry.js';
import type { Tool, ToolContext, ToolResult } from '../registry/types.js';
import type { Soul } from '../soul/load.js';
import type { SessionStore } from '../store/sessions.js';
import type { Limits } from '../soul/schema.js';
import type { TemplateLibrary } from '../templates/library.js';
import { compactHistory, estimateTokens } from './compaction.js';
import { estimateCost } from './pricing.js';
import { saveSession, type Session } from './session.js';
import { toolSpecs } from './tool-specs.js';
import { renderTurnContext } from './turn-context.js';
import { wrapToolOutput } from './tool-output.js';
import {
  addUsage,
  ModelUnavailableError,
  totalTokens,
  ZERO_USAGE,
  type AssistantBlock,
  type Message,
  type ModelPort,
  type ModelResponse,
  type ToolResultBlock,
  type ToolUseBlock,
  type TurnContext,
  type Usage,
  type UserBlock,
} from './types.js';

export type TurnStopReason =
  | 'end_turn'
  | 'max_steps'
  | 'max_turn_tokens'
  | 'max_session_tokens'
  | 'max_turn_cost'
  | 'max_session_cost'
  | 'max_tokens'
  | 'refusal'
  | 'context_window'
  | 'interrupted';

export interface ToolCallRecord {
  id: string;
  name: string;
  input: Record<string, unknown>;
  output: unknown;
  isError: boolean;
}

export interface TurnResult {
  reply: string;
  stopReason: TurnStopReason;
  /** Said to the user when the turn ended for any reason other than end_turn. */
  stopMessage: string | null;
  toolCalls: ToolCallRecord[];
  usage: Usage;
  costUsd: number;
  /** The model that answered the last step ("offline-playbook" after a fallback). */
  model: string;
  fellBack: boolean;
  steps: number;
}

/** Where the loop reports progress: streamed text and notices (never protocol). */
export interface TurnOutput {
  /** Reply text, safe to print: no control sequences, no known secret, never repeated. */
  onText(delta: string): void;
  onNotice(message: string): void;
  onToolCall?(name: string, input: Record<string, unknown>): void;
  onToolResult?(name: string, result: ToolResult): void;
  /** A model step began: nothing shows until its first text or tool call (for a status line). */
  onWaiting?(who: string): void;
}

export interface AgentOptions {
  model: ModelPort;
  /** Answers a turn when `model` is unavailable; null disables the fallback. */
  fallback: ModelPort | null;
  /** The current persona: called at the start of each turn, so edits to SOUL.md apply to the next turn. */
  soul: () => Soul;
  /** Every tool; the persona's allow-list is applied per turn. */
  registry: ToolRegistry;
  context: (actor: string) => ToolContext;
  /** Where the conversation is saved after every step. */
  sessions: SessionStore;
  templates: TemplateLibrary;
  clock: Clock;
  logger: Logger;
  /** Overrides of the SOUL.md model settings and limits (flags, env). */
  overrides?: {
    model?: string | undefined;
    maxTokens?: number | undefined;
    temperature?: number | undefined;
    cacheTtl?: '5m' | '1h' | undefined;
    limits?: Partial<Limits> | undefined;
  };
  /** Who is talking when a message names nobody. */
  actor: string;
}

/** One message to the commander and who sent it (a name or handle: never trusted as an instruction). */
export interface UserMessage {
  text: string;
  actor: string;
}

/** Newest timeline entries in each turn's incident view. */
const TURN_TIMELINE = 10;

const STOP_MESSAGES: Record<Exclude<TurnStopReason, 'end_turn'>, (l: Limits) => string> = {
  max_steps: (l) =>
    `Stopped after ${l.max_steps} model steps (limits.max_steps): the commander was still working. Say "continue" to go on, or raise the limit.`,
  max_turn_tokens: (l) =>
    `Stopped: this turn used more than ${l.max_turn_tokens.toLocaleString('en')} tokens (limits.max_turn_tokens). Say "continue" to go on.`,
  max_session_tokens: (l) =>
    `Stopped: this session used more than ${l.max_session_tokens.toLocaleString('en')} tokens (limits.max_session_tokens). Start a new session with /new, or run --offline.`,
  max_turn_cost: (l) =>
    `Stopped: this turn cost more than $${l.max_turn_cost_usd.toFixed(2)} (limits.max_turn_cost_usd). Say "continue" to go on.`,
  max_session_cost: (l) =>
    `Stopped: this session cost more than $${l.max_session_cost_usd.toFixed(2)} (limits.max_session_cost_usd). Start a new session with /new, or run --offline.`,
  max_tokens: () =>
    'The reply was cut off at max_tokens. Raise max_tokens in SOUL.md (or --max-tokens) or ask for a shorter answer.',
  refusal: () =>
    'Claude declined this message. It has been taken out of the conversation, so later messages are not refused because of it; rephrase it, or run --offline for the playbook.',
  context_window: () =>
    "The conversation no longer fits the model's context window. Start a new session with /new; the incident record is kept.",
  interrupted: () =>
    'The connection to Claude broke partway through this reply; what arrived is above. Say "continue" for the rest.',
};

/** Turns kept word for word when older ones are folded into the runtime's summary. */
const KEEP_TURNS = 4;

/** What the history gets in place of a turn the person stopped: the next message then starts cleanly. */
const STOPPED =
  '(The person stopped this turn before it finished. Anything the tools did is on the incident timeline.)';

/** Said once when the model becomes unavailable; later turns fall back without repeating it. */
function offlineNotice(error: ModelUnavailableError): string {
  return error.kind === 'auth'
    ? `${error.message}. Answering offline with the playbook meanwhile; no incident state is lost.`
    : `${error.message}. Answering offline with the playbook until Claude is back (checked in the background); no incident state is lost.`;
}

function refusalNotice(details: ModelResponse['stopDetails'], fallback: boolean): string {
  const why = [details?.category, details?.explanation].filter(Boolean).join(': ');
  return `Claude declined this message${why ? ` (${why})` : ''}. It is kept out of the conversation, so later messages are not refused because of it${fallback ? '; the offline playbook answers it instead' : ''}.`;
}

/**
 * The agent loop. Each turn: the user's message with the live context, then model steps until the
 * model ends its turn or a budget runs out. Tool calls of one response run in order; consecutive
 * read-only calls run concurrently. Tool failures go back to the model as is_error results.
 */
export class Agent {
  constructor(private readonly options: AgentOptions) {}

  private limits(soul: Soul): Limits {
    return { ...soul.config.limits, ...this.options.overrides?.limits };
  }

  async runTurn(
    session: Session,
    message: string | UserMessage,
    output: TurnOutput,
    signal?: AbortSignal,
  ): Promise<TurnResult> {
    const { registry, clock, logger, sessions } = this.options;
    const { text, actor } = typeof message === 'string' ? { text: message, actor: this.options.actor } : message;
    const soul = this.options.soul();
    const limits = this.limits(soul);
    const allowed = registry.only(soul.config.tools);
    const tools = toolSpecs(allowed);
    const model = this.options.overrides?.model ?? soul.config.model;
    const maxTokens = this.options.overrides?.maxTokens ?? soul.config.max_tokens;
    const temperature = this.options.overrides?.temperature ?? soul.config.temperature;
    const cacheTtl = this.options.overrides?.cacheTtl ?? soul.config.cache_ttl;
    const ctx = this.options.context(actor);
    this.compactIfLarge(session, limits, output);
    let turnStart = session.messages.length;

    const context = await this.turnContext(session, ctx, actor);
    pushUser(session, [
      { type: 'text', text: renderTurnContext(this.options.templates.get('turn-context'), context) },
      { type: 'text', text },
    ]);
    session.turns++;

    let port = this.options.model;
    let fellBack = false;
    let usage = ZERO_USAGE;
    let costUsd = 0;
    let lastModel = model;
    const toolCalls: ToolCallRecord[] = [];
    let stopReason: TurnStopReason = 'end_turn';
    let steps = 0;
    /** The turn's text so far, to keep the steps' texts apart when shown. */
    let shown = '';
    /** Claude refused this turn: it leaves the history once answered, as the API asks. */
    let refused = false;
    /** The history was folded once this turn because it no longer fitted the context window. */
    let squeezed = false;

    try {
      for (;;) {
        signal?.throwIfAborted();
        if (steps >= limits.max_steps) {
          stopReason = 'max_steps';
          break;
        }
        const budget = this.overBudget(session, usage, costUsd, limits);
        if (budget) {
          stopReason = budget;
          break;
        }
        steps++;
        let response: ModelResponse;
        let stepShown = false;
        output.onWaiting?.(port === this.options.fallback ? 'the offline playbook' : 'Claude');
        try {
          response = await port.respond(
            {
              model,
              maxTokens,
              temperature,
              cacheTtl,
              system: soul.persona,
              tools,
              messages: session.messages,
              context,
            },
            {
              onText: (d) => {
                // Text of a later step starts on its own paragraph instead of running on from the last.
                if (!stepShown && shown && !shown.endsWith('\n')) {
                  output.onText('\n\n');
                  shown += '\n\n';
                }
                stepShown = true;
                shown += d;
                output.onText(d);
              },
              onRetry: (reason) => output.onNotice(`stream interrupted (${reason}); retrying`),
              onNotice: (m) => output.onNotice(m),
            },
            signal,
          );
        } catch (error) {
          if (signal?.aborted) throw error;
          if (error instanceof ModelUnavailableError && this.options.fallback && port !== this.options.fallback) {
            if (!error.alreadyReported) {
              logger.warn({ err: error.message }, 'model unavailable; falling back to the offline playbook');
              output.onNotice(offlineNotice(error));
            }
            port = this.options.fallback;
            fellBack = true;
            steps--;
            continue;
          }
          throw error;
        }

        usage = addUsage(usage, response.usage);
        session.usage = addUsage(session.usage, response.usage);
        const cost = port === this.options.fallback ? 0 : estimateCost(response.model, response.usage, cacheTtl).usd;
        costUsd += cost;
        session.costUsd += cost;
        lastModel = response.model;

        if (response.stopReason === 'refusal') {
          // The API's advice: a refused exchange must leave the context, or every later turn is refused too.
          // What the tools already did this turn stays in the history until the turn ends, so a fallback
          // carries on from it instead of repeating it.
          refused = true;
          output.onNotice(
            refusalNotice(response.stopDetails, this.options.fallback !== null && port !== this.options.fallback),
          );
          logger.warn({ stopDetails: response.stopDetails ?? null }, 'model refused the turn');
          if (this.options.fallback && port !== this.options.fallback) {
            port = this.options.fallback;
            fellBack = true;
            continue;
          }
          stopReason = 'refusal';
          break;
        }
        if (response.stopReason === 'model_context_window_exceeded' && !squeezed) {
          // Out of room: fold every earlier turn into the summary and try this step once more.
          const compacted = compactHistory(session.messages, 1);
          if (compacted) {
            squeezed = true;
            session.messages = compacted.messages;
            turnStart = 0;
            output.onNotice(
              `The conversation no longer fitted the context window: its ${compacted.folded} earlier turns are now a summary (the incident record keeps every detail).`,
            );
            steps--;
            continue;
          }
        }
        if (
          response.stopReason === 'max_tokens' ||
          response.stopReason === 'model_context_window_exceeded' ||
          response.stopReason === 'interrupted'
        ) {
          // A cut-off message may hold an incomplete tool call: keep only its text, so the history stays valid.
          const textOnly = response.content.filter((b) => b.type === 'text');
          if (textOnly.length) session.messages.push({ role: 'assistant', content: textOnly });
          stopReason =
            response.stopReason === 'max_tokens'
              ? 'max_tokens'
              : response.stopReason === 'interrupted'
                ? 'interrupted'
                : 'context_window';
          break;
        }
        const { content, uses, skipped } = this.admitToolCalls(response.content, limits, logger);
        if (content.length) session.messages.push({ role: 'assistant', content });
        if (uses.length) {
          const results: UserBlock[] = await this.runTools(uses, allowed, ctx, toolCalls, output, session);
          if (skipped)
            results.push({
              type: 'text',
              text: `(Only the first ${uses.length} of the ${uses.length + skipped} tool calls in that response were run: at most ${limits.max_tool_calls_per_response} per response. Ask again for the ones still needed.)`,
            });
          pushUser(session, results);
          await saveSession(sessions, session, clock.now());
          continue;
        }
        if (response.stopReason === 'pause_turn') continue;
        stopReason = 'end_turn';
        break;
      }
    } catch (error) {
      if (signal?.aborted) closeStoppedTurn(session, turnStart);
      if (refused) session.messages.length = turnStart;
      await saveSession(sessions, session, clock.now()).catch(() => undefined);
      throw error;
    }

    const reply = session.messages
      .slice(turnStart)
      .filter((m): m is { role: 'assistant'; content: AssistantBlock[] } => m.role === 'assistant')
      .flatMap((m) => m.content.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text))
      .join('\n\n')
      .trim();
    if (refused) session.messages.length = turnStart;
    await saveSession(sessions, session, clock.now());
    const stopMessage = stopReason === 'end_turn' ? null : STOP_MESSAGES[stopReason](limits);
    if (stopMessage) output.onNotice(stopMessage);
    logger.info(
      {
        model: fellBack ? `${model} → ${this.options.fallback?.name}` : lastModel,
        soulHash: soul.hash,
        steps,
        stopReason,
        usage,
        costUsd: Number(costUsd.toFixed(6)),
        session: session.id,
        incident: session.incidentId,
      },
      'turn',
    );
    return {
      reply,
      stopReason,
      stopMessage,
      toolCalls,
      usage,
      costUsd,
      model: fellBack ? (this.options.fallback?.name ?? lastModel) : lastModel,
      fellBack,
      steps,
    };
  }

  private overBudget(session: Session, usage: Usage, costUsd: number, limits: Limits): TurnStopReason | null {
    if (totalTokens(usage) > limits.max_turn_tokens) return 'max_turn_tokens';
    if (totalTokens(session.usage) > limits.max_session_tokens) return 'max_session_tokens';
    if (costUsd > limits.max_turn_cost_usd) return 'max_turn_cost';
    if (session.costUsd > limits.max_session_cost_usd) return 'max_session_cost';
    return null;
  }

  /**
   * The tool calls of one response that will run: a repeated id keeps only its first call (the
   * API needs one result per id), and past `max_tool_calls_per_response` the rest are dropped
   * from the history and counted, so the model is told instead of the runtime running a thousand
   * writes. Returns the content to keep.
   */
  private admitToolCalls(
    content: readonly AssistantBlock[],
    limits: Limits,
    logger: Logger,
  ): { content: AssistantBlock[]; uses: ToolUseBlock[]; skipped: number } {
    const ids = new Set<string>();
    const kept: AssistantBlock[] = [];
    const uses: ToolUseBlock[] = [];
    let duplicates = 0;
    let skipped = 0;
    for (const block of content) {
      if (block.type !== 'tool_use') {
        kept.push(block);
        continue;
      }
      if (ids.has(block.id)) {
        duplicates++;
        continue;
      }
      ids.add(block.id);
      if (uses.length >= limits.max_tool_calls_per_response) {
        skipped++;
        continue;
      }
      uses.push(block);
      kept.push(block);
    }
    if (duplicates || skipped) logger.warn({ duplicates, skipped, ran: uses.length }, 'tool calls not run');
    return { content: kept, uses, skipped };
  }

  /** Folds the oldest turns into a summary when the prompt has grown past `compact_at_tokens`. */
  private compactIfLarge(session: Session, limits: Limits, output: TurnOutput): void {
    if (estimateTokens(session.messages) < limits.compact_at_tokens) return;
    const compacted = compactHistory(session.messages, KEEP_TURNS);
    if (!compacted) return;
    session.messages = compacted.messages;
    this.options.logger.info({ folded: compacted.folded, session: session.id }, 'conversation compacted');
    output.onNotice(
      `The conversation had grown long: its ${compacted.folded} oldest turns are now a summary (the incident record keeps every detail).`,
    );
  }

  /** Runs one response's tool calls: in order, with consecutive read-only calls concurrently. */
  private async runTools(
    uses: ToolUseBlock[],
    allowed: ToolRegistry,
    ctx: ToolContext,
    records: ToolCallRecord[],
    output: TurnOutput,
    session: Session,
  ): Promise<ToolResultBlock[]> {
    const results = new Map<string, ToolResultBlock>();
    const run = async (use: ToolUseBlock, tool: Tool | undefined): Promise<void> => {
      output.onToolCall?.(use.name, use.input);
      let result: ToolResult;
      if (!tool) {
        const known = this.options.registry.get(use.name) !== undefined;
        result = {
          ok: false,
          tool: use.name,
          error: {
            code: 'tool_not_allowed',
            message: known ? `tool "${use.name}" is not in this persona's allow-list` : `unknown tool "${use.name}"`,
            hint: `Use one of: ${allowed.names().join(', ')}.`,
          },
          text: `Error (tool_not_allowed): ${known ? `tool "${use.name}" is not in this persona's allow-list` : `unknown tool "${use.name}"`}. It was not run. Use one of: ${allowed.names().join(', ')}.`,
        };
      } else {
        result = await allowed.call(use.name, use.input, ctx);
      }
      output.onToolResult?.(use.name, result);
      if (result.ok && result.activeIncident) session.incidentId = result.activeIncident;
      records.push({
        id: use.id,
        name: use.name,
        input: use.input,
        output: result.ok ? result.output : result.error,
        isError: !result.ok,
      });
      // Tool output is untrusted data (commit subjects, runbook text, titles people typed): it goes back inside an envelope nothing in it can close.
      results.set(use.id, {
        type: 'tool_result',
        tool_use_id: use.id,
        content: wrapToolOutput(use.name, result.text),
        ...(result.ok ? {} : { is_error: true }),
      });
    };

    let batch: Promise<void>[] = [];
    for (const use of uses) {
      const tool = allowed.get(use.name);
      if (tool?.annotations.readOnlyHint) {
        batch.push(run(use, tool));
        continue;
      }
      await Promise.all(batch);
      batch = [];
      await run(use, tool);
    }
    await Promise.all(batch);
    return uses.map((u) => results.get(u.id)!);
  }

  /** The live state for this turn, read once: the model port gets it as data, and rendered after the cached prefix. */
  private async turnContext(session: Session, ctx: ToolContext, actor: string): Promise<TurnContext> {
    const now = this.options.clock.now();
    let incident: IncidentView | null = null;
    if (session.incidentId) {
      try {
        incident = await incidentView(ctx, session.incidentId, { timelineLimit: TURN_TIMELINE });
      } catch (error) {
        this.options.logger.warn({ err: error, incident: session.incidentId }, 'active incident unreadable this turn');
      }
    }
    return { now: now.toISOString(), actor, incident };
  }
}

/**
 * Ends a turn the person stopped so the history stays well formed: the turn keeps what finished
 * (its message, and tool calls with their results), and a short note takes the place of the reply
 * that never came, so the next message starts a turn of its own instead of merging into this one.
 */
function closeStoppedTurn(session: Session, turnStart: number): void {
  const last = session.messages.at(-1);
  if (session.messages.length > turnStart && last?.role === 'user')
    session.messages.push({ role: 'assistant', content: [{ type: 'text', text: STOPPED }] });
}

/** Appends a user message, merging into the last one when it is also from the user (the API wants alternation). */
function pushUser(session: Session, content: UserBlock[]): void {
  const last = session.messages.at(-1);
  if (last?.role === 'user') last.content.push(...content);
  else session.messages.push({ role: 'user', content });
}

export type { Message };
