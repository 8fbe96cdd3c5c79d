import { z } from 'zod';
import { ANY_CONTROL, printable } from '../core/control.js';
import { ForbiddenError, InputError } from '../core/errors.js';
import { formatClock } from '../core/time.js';
import {
  COMPONENT_STATUSES,
  INCIDENT_STATUSES,
  type Incident,
  PUBLIC_IMPACTS,
  type StatusDraft,
} from '../store/types.js';
import type { IncidentContext } from './context.js';
import { requireIncident } from './lookup.js';
import { componentNames, componentStatus, STATUSPAGE_IMPACT } from './statuspage.js';

/**
 * The front doors a person acts through. Only these may approve, edit or discard what customers will
 * see: a model and an MCP client draft and propose, never decide (there is no tool for it, and a
 * reviewer that names another way in is refused here).
 */
export const HUMAN_CHANNELS = ['cli', 'slack', 'web'] as const;
export type HumanChannel = (typeof HUMAN_CHANNELS)[number];

export interface Reviewer {
  via: HumanChannel;
  /** Who: the CLI user, the Slack user, the page's signed-in person. */
  by: string;
}

const ReviewerSchema = z
  .object({
    via: z.string(),
    by: z
      .string()
      .trim()
      .min(1, 'must name the person')
      .max(100)
      .refine((s) => !ANY_CONTROL.test(s), 'must be one line of plain text'),
  })
  .strict();

/** Checks that a decision comes from a person through a person's front door; a model, MCP client or tool is refused. */
export function requirePerson(reviewer: unknown): Reviewer {
  const parsed = ReviewerSchema.safeParse(reviewer);
  if (!parsed.success)
    throw InputError.field('reviewer', parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; '));
  const { via, by } = parsed.data;
  if (!(HUMAN_CHANNELS as readonly string[]).includes(via))
    throw new ForbiddenError(
      `"${printable(via, 40)}" cannot decide on what customers see: only a person approves, edits or discards a customer draft`,
      'Ask a person to review it: `incident-commander updates approve <draft>`, the approval card in Slack, or the incident page.',
    );
  return { via: via as HumanChannel, by };
}

const Components = z
  .array(z.object({ name: z.string().trim().min(1).max(100), status: z.enum(COMPONENT_STATUSES) }).strict())
  .max(50);

/** What a person may change in a pending draft. */
export const DraftChangesSchema = z
  .object({
    title: z.string().trim().min(1).max(255).optional(),
    body: z.string().trim().min(1).max(10_000).optional(),
    status: z.enum(INCIDENT_STATUSES).optional(),
    impact: z.enum(PUBLIC_IMPACTS).optional(),
    components: Components.optional(),
  })
  .strict();
export type DraftChanges = z.output<typeof DraftChangesSchema>;

function capitalise(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** The status page incident an incident proposes: status from its own, impact from its severity, components from its services. */
export function proposal(
  incident: Incident,
  ctx: Pick<IncidentContext, 'services'>,
): Pick<StatusDraft, 'status' | 'impact' | 'components'> {
  return {
    status: incident.status,
    impact: STATUSPAGE_IMPACT[incident.severity],
    components: componentNames(incident, ctx.services).map((name) => ({ name, status: componentStatus(incident) })),
  };
}

export interface ProposeRequest {
  incidentId: string;
  /** The customer-safe text; its first line is the headline and is dropped (the page shows the status). */
  body: string;
  /** The problem in customers' words, for the status page incident's name. */
  customerSummary?: string | undefined;
  updateId?: string | null | undefined;
  author?: string | undefined;
}

/**
 * Turns a customer update into a draft for the status page, waiting for a person: nothing reaches
 * customers before someone approves it. A newer draft supersedes the incident's pending one.
 */
export async function proposeStatusDraft(ctx: IncidentContext, request: ProposeRequest): Promise<StatusDraft> {
  const incident = await requireIncident(ctx.store, request.incidentId);
  const lines = request.body.split('\n');
  const body = (lines.length > 1 ? lines.slice(1) : lines).join('\n').trim() || request.body.trim();
  const components = componentNames(incident, ctx.services);
  const title = capitalise(
    request.customerSummary?.trim() || `Issues affecting ${components.length ? components.join(', ') : 'our service'}`,
  ).slice(0, 255);
  return ctx.store.createDraft(
    {
      incidentId: incident.id,
      ...proposal(incident, ctx),
      title,
      body: body.slice(0, 10_000),
      updateId: request.updateId ?? null,
      createdBy: request.author ?? ctx.actor,
      at: ctx.clock.now().toISOString(),
    },
    [],
  );
}

async function draftAt(ctx: IncidentContext, draftId: string, revision: number | undefined): Promise<StatusDraft> {
  const draft = await ctx.store.getDraft(draftId);
  if (!draft) {
    const pending = (await ctx.store.listDrafts({ states: ['pending'], limit: 20 })).map(
      (d) => `${d.id} (${d.incidentId})`,
    );
    throw InputError.field(
      'draft',
      `no draft ${draftId}`,
      pending.length ? `Pending drafts: ${pending.join(', ')}.` : 'No draft is waiting for a decision.',
    );
  }
  return revision === undefined ? draft : { ...draft, revision };
}

function describe(draft: StatusDraft): string {
  const components = draft.components.map((c) => `${c.name} ${c.status.replace(/_/g, ' ')}`).join(', ');
  return `${draft.status}, impact ${draft.impact}${components ? `, ${components}` : ''}: "${draft.title}"`;
}

export interface ReviewRequest {
  draftId: string;
  /** The revision the person read; omitted, the current one (the caller shows what it approved). */
  revision?: number | undefined;
  reviewer: unknown;
  /** When set, only these people may approve (names compared without case). */
  approvers?: readonly string[] | undefined;
  note?: string | undefined;
}

/** A person approves a draft at the revision they read: from now on it may be published, and only then. */
export async function approveStatusDraft(ctx: IncidentContext, request: ReviewRequest): Promise<StatusDraft> {
  const reviewer = requirePerson(request.reviewer);
  if (request.approvers?.length && !request.approvers.some((a) => a.toLowerCase() === reviewer.by.toLowerCase()))
    throw new ForbiddenError(
      `${reviewer.by} may not approve customer updates here`,
      `Ask one of the approvers in the integrations file: ${request.approvers.join(', ')}.`,
    );
  const draft = await draftAt(ctx, request.draftId, request.revision);
  const at = ctx.clock.now().toISOString();
  return ctx.store.reviewDraft(
    draft.id,
    {
      decision: 'approved',
      by: reviewer.by,
      via: reviewer.via,
      at,
      revision: draft.revision,
      note: request.note ?? '',
    },
    [
      {
        at,
        author: reviewer.by,
        kind: 'decision',
        text: `Customer update ${draft.id} approved for the status page by ${reviewer.by} (${reviewer.via}) at ${formatClock(at, ctx.clock.now())}: ${describe(draft)}`,
        data: { draftId: draft.id, revision: draft.revision, via: reviewer.via },
      },
    ],
  );
}

/** A person throws a draft away; nothing is sent. */
export async function discardStatusDraft(ctx: IncidentContext, request: ReviewRequest): Promise<StatusDraft> {
  const reviewer = requirePerson(request.reviewer);
  const draft = await draftAt(ctx, request.draftId, request.revision);
  const at = ctx.clock.now().toISOString();
  const note = (request.note ?? '').slice(0, 500);
  return ctx.store.reviewDraft(
    draft.id,
    { decision: 'discarded', by: reviewer.by, via: reviewer.via, at, revision: draft.revision, note },
    [
      {
        at,
        author: reviewer.by,
        kind: 'decision',
        text: `Customer update ${draft.id} discarded by ${reviewer.by} (${reviewer.via})${note ? `: ${note}` : ''}`,
        data: { draftId: draft.id, via: reviewer.via },
      },
    ],
  );
}

export interface EditRequest {
  draftId: string;
  revision?: number | undefined;
  reviewer: unknown;
  changes: unknown;
}

/** A person changes a pending draft; its revision rises, so an approval of the old text is refused. */
export async function editStatusDraft(ctx: IncidentContext, request: EditRequest): Promise<StatusDraft> {
  const reviewer = requirePerson(request.reviewer);
  const parsed = DraftChangesSchema.safeParse(request.changes);
  if (!parsed.success)
    throw new InputError(
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'changes', problem: i.message })),
      'Give the title, body, status, impact or components to change.',
    );
  const changes = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as Partial<
    Pick<StatusDraft, 'title' | 'body' | 'status' | 'impact' | 'components'>
  >;
  if (!Object.keys(changes).length)
    throw InputError.field('changes', 'nothing to change', 'Give the title, body, status, impact or components.');
  const draft = await draftAt(ctx, request.draftId, request.revision);
  const at = ctx.clock.now().toISOString();
  return ctx.store.editDraft(draft.id, { ...changes, revision: draft.revision, by: reviewer.by, at }, [
    {
      at,
      author: reviewer.by,
      kind: 'note',
      text: `Customer update ${draft.id} edited by ${reviewer.by} (${reviewer.via}): ${Object.keys(changes).join(', ')}`,
      data: { draftId: draft.id, revision: draft.revision + 1 },
    },
  ]);
}

/** Records where an approved draft was published. */
export async function recordPublished(
  ctx: IncidentContext,
  request: { draftId: string; ref: string; url: string | null; system: string; created: boolean },
): Promise<StatusDraft> {
  const at = ctx.clock.now().toISOString();
  const draft = await draftAt(ctx, request.draftId, undefined);
  return ctx.store.markDraftPublished(draft.id, { at, ref: request.ref, url: request.url }, [
    {
      at,
      author: ctx.actor,
      kind: 'action',
      text: `Customer update ${draft.id} published to ${request.system}${request.created ? ' (new status page incident)' : ''}: ${describe(draft)}${request.url ? ` — ${request.url}` : ''}`,
      data: { draftId: draft.id, audience: 'customer', published: request.ref },
    },
  ]);
}
