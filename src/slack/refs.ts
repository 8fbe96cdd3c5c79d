import type { Clock } from '../core/time.js';
import type { ExternalRef, IncidentStore } from '../store/types.js';

/**
 * What the Slack app keeps about incidents, as store references (system "slack"), so every
 * instance sharing the store sees the same channel, headline, reminders and captured messages.
 */
export const SYSTEM = 'slack';

export interface IncidentChannel {
  incidentId: string;
  channel: string;
  name: string;
  headlineTs: string | null;
  topic: string | null;
}

export type ReminderState = 'open' | 'snoozed' | 'done';

export interface ReminderRecord {
  channel: string;
  ts: string;
  cycle: string;
  state: ReminderState;
  title: string;
  /** What the message shows now, so an unchanged reminder is not edited again. */
  shown: string;
  snoozedUntil: string | null;
  snoozedBy: string | null;
}

/** The approval card of a customer draft, and what it shows now. */
export interface DraftCard {
  channel: string;
  ts: string;
  shown: string;
}

export interface CapturedMessage {
  channel: string;
  ts: string;
  /** The timeline entry the message became; -1 while it is being captured. */
  seq: number;
  /** When the capture started, while `seq` is -1: a capture that never finished may be tried again later. */
  pendingSince: string | null;
  permalink: string | null;
  author: string;
  deleted: boolean;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function toChannel(ref: ExternalRef): IncidentChannel {
  return {
    incidentId: ref.incidentId,
    channel: ref.key,
    name: str(ref.data['name']) ?? ref.key,
    headlineTs: str(ref.data['headlineTs']),
    topic: str(ref.data['topic']),
  };
}

/** The Slack app's references, typed, with the channel ↔ incident mapping cached (it never changes). */
export class SlackRefs {
  private readonly incidentByChannel = new Map<string, string | null>();

  constructor(
    private readonly store: IncidentStore,
    private readonly clock: Clock,
  ) {}

  private at(): string {
    return this.clock.now().toISOString();
  }

  /** The incident a channel belongs to, or null for any other channel. */
  async incidentOf(channel: string): Promise<string | null> {
    const known = this.incidentByChannel.get(channel);
    if (known) return known;
    const ref = await this.store.findRef(SYSTEM, 'channel', channel);
    const id = ref?.incidentId ?? null;
    // Only positive answers are cached: a channel may become an incident's later.
    if (id) this.incidentByChannel.set(channel, id);
    return id;
  }

  async channelOf(incidentId: string): Promise<IncidentChannel | null> {
    const [ref] = await this.store.listRefs(incidentId, { system: SYSTEM, kind: 'channel' });
    return ref ? toChannel(ref) : null;
  }

  async bindChannel(incidentId: string, channel: string, name: string): Promise<IncidentChannel> {
    const { ref } = await this.store.putRef({
      incidentId,
      system: SYSTEM,
      kind: 'channel',
      key: channel,
      data: { name, headlineTs: null, topic: null },
      at: this.at(),
    });
    this.incidentByChannel.set(channel, ref.incidentId);
    return toChannel(ref);
  }

  async saveChannel(value: IncidentChannel): Promise<void> {
    await this.store.updateRef(
      SYSTEM,
      'channel',
      value.channel,
      { name: value.name, headlineTs: value.headlineTs, topic: value.topic },
      this.at(),
    );
  }

  async reminder(incidentId: string, kind: string): Promise<ReminderRecord | null> {
    const ref = await this.store.findRef(SYSTEM, 'reminder', `${incidentId}:${kind}`);
    return ref ? (ref.data as unknown as ReminderRecord) : null;
  }

  async saveReminder(incidentId: string, kind: string, value: ReminderRecord): Promise<void> {
    const key = `${incidentId}:${kind}`;
    const data = { ...value };
    const { created } = await this.store.putRef({
      incidentId,
      system: SYSTEM,
      kind: 'reminder',
      key,
      data,
      at: this.at(),
    });
    if (!created) await this.store.updateRef(SYSTEM, 'reminder', key, data, this.at());
  }

  async card(draftId: string): Promise<DraftCard | null> {
    const ref = await this.store.findRef(SYSTEM, 'card', draftId);
    return ref ? (ref.data as unknown as DraftCard) : null;
  }

  async saveCard(incidentId: string, draftId: string, value: DraftCard): Promise<void> {
    const data = { ...value };
    const { created } = await this.store.putRef({
      incidentId,
      system: SYSTEM,
      kind: 'card',
      key: draftId,
      data,
      at: this.at(),
    });
    if (!created) await this.store.updateRef(SYSTEM, 'card', draftId, data, this.at());
  }

  async captured(channel: string, ts: string): Promise<CapturedMessage | null> {
    const ref = await this.store.findRef(SYSTEM, 'message', `${channel}:${ts}`);
    return ref ? (ref.data as unknown as CapturedMessage) : null;
  }

  /** Marks a message as captured; false when it already was (by this instance or another). */
  async capture(incidentId: string, value: CapturedMessage): Promise<boolean> {
    const { created } = await this.store.putRef({
      incidentId,
      system: SYSTEM,
      kind: 'message',
      key: `${value.channel}:${value.ts}`,
      data: { ...value },
      at: this.at(),
    });
    return created;
  }

  async saveCaptured(value: CapturedMessage): Promise<void> {
    await this.store.updateRef(SYSTEM, 'message', `${value.channel}:${value.ts}`, { ...value }, this.at());
  }
}
