import type { Agent, TurnOutput, TurnResult, UserMessage } from '../agent/loop.js';
import { newSession, resumeSession, type Session } from '../agent/session.js';
import { NotFoundError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/time.js';
import type { SessionStore } from '../store/sessions.js';
import type { IncidentStore } from '../store/types.js';

/** Which conversation to open. */
export type ConversationKey =
  /** A fresh conversation with no incident yet (a one-shot `ask`, a new chat). */
  | { kind: 'new' }
  /** The incident's latest conversation, or a new one attached to it. NotFoundError for an unknown incident. */
  | { kind: 'incident'; incidentId: string }
  /**
   * The conversation that holds a channel (a Slack channel or thread), or a new one for it,
   * attached to `incidentId` when given.
   */
  | { kind: 'channel'; channel: string; incidentId?: string | undefined }
  /** A saved conversation by id; NotFoundError when there is none. */
  | { kind: 'session'; id: string };

export interface ConversationServiceOptions {
  agent: Agent;
  sessions: SessionStore;
  incidents: IncidentStore;
  clock: Clock;
  logger: Logger;
  /** Idle conversations kept in memory; beyond this the least recently used idle one is dropped (it stays saved). */
  capacity?: number;
}

/**
 * One conversation with the commander. Messages queue: each turn starts when the one before it has
 * finished, so two people writing at once in one channel never interleave their turns.
 */
export class Conversation {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly agent: Agent,
    private current: Session,
  ) {}

  get id(): string {
    return this.current.id;
  }

  /** The incident this conversation works on (it follows the one a turn opens). */
  get incidentId(): string | null {
    return this.current.incidentId;
  }

  get channel(): string | null {
    return this.current.channel;
  }

  get turns(): number {
    return this.current.turns;
  }

  /** Tokens used and estimated dollars spent by this conversation so far (saved with it, so a resume keeps them). */
  get usage(): { usage: Session['usage']; costUsd: number } {
    return { usage: this.current.usage, costUsd: this.current.costUsd };
  }

  /** Turns running or waiting their turn. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Runs one message as a turn once every earlier message of this conversation has been answered. */
  send(message: UserMessage, output: TurnOutput, signal?: AbortSignal): Promise<TurnResult> {
    this.pending++;
    const turn = this.tail.then(() => {
      signal?.throwIfAborted();
      return this.agent.runTurn(this.current, message, output, signal);
    });
    this.tail = turn.catch(() => undefined);
    return turn.finally(() => {
      this.pending--;
    });
  }
}

/**
 * The conversation service: the one way front doors (the chat, `ask`, the eval runner, a Slack
 * channel) open or resume a conversation and send it messages, each with who said it. Within this
 * process, one key always gives the same Conversation, so its queue holds for every caller.
 */
export class ConversationService {
  private readonly live = new Map<string, Conversation>();
  private readonly capacity: number;

  constructor(private readonly options: ConversationServiceOptions) {
    this.capacity = options.capacity ?? 500;
  }

  async open(key: ConversationKey): Promise<Conversation> {
    const memo = this.memoKey(key);
    const known = memo ? this.live.get(memo) : undefined;
    if (known) {
      this.touch(memo!, known);
      return known;
    }
    const session = await this.load(key);
    // A conversation already live under its id (opened by id, or by its incident) is the same conversation.
    const conversation = this.live.get(`session:${session.id}`) ?? new Conversation(this.options.agent, session);
    this.remember(`session:${session.id}`, conversation);
    if (memo) this.remember(memo, conversation);
    return conversation;
  }

  private memoKey(key: ConversationKey): string | null {
    switch (key.kind) {
      case 'new':
        return null;
      case 'incident':
        return `incident:${key.incidentId}`;
      case 'channel':
        return `channel:${key.channel}`;
      case 'session':
        return `session:${key.id}`;
    }
  }

  private async load(key: ConversationKey): Promise<Session> {
    const { sessions, clock } = this.options;
    switch (key.kind) {
      case 'new':
        return newSession(clock.now());
      case 'incident':
        await this.requireIncident(key.incidentId);
        return (
          (await resumeSession(sessions, { incidentId: key.incidentId })) ?? newSession(clock.now(), key.incidentId)
        );
      case 'channel': {
        if (key.incidentId) await this.requireIncident(key.incidentId);
        const saved = await resumeSession(sessions, { channel: key.channel });
        return saved ?? newSession(clock.now(), key.incidentId ?? null, key.channel);
      }
      case 'session': {
        const saved = await resumeSession(sessions, { id: key.id });
        if (!saved) throw new NotFoundError('conversation', key.id, 'Start a new conversation instead.');
        return saved;
      }
    }
  }

  private async requireIncident(id: string): Promise<void> {
    if ((await this.options.incidents.incidentVersion(id)) === null)
      throw new NotFoundError(
        'incident',
        id,
        'Run `incident-commander incidents list` for the ids, or start without an incident.',
      );
  }

  private touch(memo: string, conversation: Conversation): void {
    this.live.delete(memo);
    this.live.set(memo, conversation);
  }

  private remember(memo: string, conversation: Conversation): void {
    this.touch(memo, conversation);
    if (this.live.size <= this.capacity) return;
    for (const [k, c] of this.live) {
      if (this.live.size <= this.capacity) break;
      if (!c.busy) this.live.delete(k);
    }
  }
}
