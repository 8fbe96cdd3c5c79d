import { InputError } from '../core/errors.js';
import type { EventKind } from '../store/types.js';
import type { IncidentContext } from './context.js';
import type { TimelineEntry } from './view.js';

/** What a person may put on the timeline directly; the other kinds are written by the services that own them. */
export const LOGGABLE_KINDS = [
  'observation',
  'decision',
  'action',
  'note',
  'escalation',
  'milestone',
  'deploy',
] as const satisfies readonly EventKind[];
export type LoggableKind = (typeof LOGGABLE_KINDS)[number];

export interface EventRequest {
  incidentId: string;
  text: string;
  kind: LoggableKind;
  /** When it happened, if not now; backdated entries sort into place. */
  at?: string | undefined;
  /** Who did or saw it; defaults to the actor. */
  author?: string | undefined;
  /** Where it was captured from (a chat message): kept as the entry's `data.source`. */
  source?: EventSource | undefined;
}

/** The message an entry was captured from, so a reader can follow it back. */
export interface EventSource {
  /** The system it came from: "slack". */
  system: string;
  /** Its id there: "C123:1712345678.000100". */
  ref: string;
  /** A link to it, when the system gives one. */
  url: string | null;
  /** How it reached the timeline: "pin", "reaction", "shortcut", "edit", "delete". */
  via: string;
  /** Who put it on the timeline, when not its author. */
  capturedBy: string | null;
}

export interface RecordedEvent {
  event: TimelineEntry;
  timelineTotal: number;
}

/** Appends one entry to an incident's timeline. A time more than a minute ahead of the clock is refused. */
export async function recordEvent(ctx: IncidentContext, request: EventRequest): Promise<RecordedEvent> {
  const now = ctx.clock.now();
  const at = request.at ?? now.toISOString();
  if (Date.parse(at) > now.getTime() + 60_000)
    throw InputError.field('at', `${at} is in the future (now is ${now.toISOString()})`);
  const [event] = await ctx.store.appendEvents(request.incidentId, [
    {
      at,
      author: request.author ?? ctx.actor,
      kind: request.kind,
      text: request.text,
      ...(request.source ? { data: { source: { ...request.source } } } : {}),
    },
  ]);
  const e = event!;
  return {
    event: { seq: e.seq, at: e.at, author: e.author, kind: e.kind, text: e.text, data: e.data },
    timelineTotal: await ctx.store.countTimeline(request.incidentId),
  };
}
