import type { z } from 'zod';
import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/time.js';
import type { Roster } from '../config/roster.js';
import type { ServiceCatalog } from '../config/services.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { SoulSettings } from '../soul/schema.js';
import type { IncidentStore } from '../store/types.js';
import type { TemplateLibrary } from '../templates/library.js';
import type { GitRunner } from '../deploys/git.js';
import type { SnapshotCache } from '../incident/snapshot.js';
import type { RunbookCatalog } from '../runbooks/catalog.js';

/** Honest MCP annotations: they decide concurrency in the agent loop and consent prompts in clients. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** Everything a tool may touch. Built per call by the front door, so a reloaded SOUL.md applies at once. */
export interface ToolContext {
  store: IncidentStore;
  clock: Clock;
  settings: SoulSettings;
  severity: SeverityFramework;
  services: ServiceCatalog;
  roster: Roster;
  runbooks: RunbookCatalog;
  templates: TemplateLibrary;
  git: GitRunner;
  /** Incident snapshots keyed by version, shared by every caller of one runtime. */
  cache: SnapshotCache;
  logger: Logger;
  /** Who is acting, written as the author of timeline entries when the input names nobody. */
  actor: string;
}

export type InputSchema = z.ZodObject<z.ZodRawShape>;
export type OutputSchema = z.ZodObject<z.ZodRawShape>;

export interface ToolDefinition<I extends InputSchema, O extends OutputSchema> {
  /** Verb first, snake_case: what a model calls. */
  name: string;
  title: string;
  /** Written for a model: when to call it, what it returns, its limits. */
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /** Receives validated input. Throws CommanderError subclasses for expected failures; writes nothing on failure. */
  handler(input: z.output<I>, ctx: ToolContext): Promise<z.input<O>>;
}

/** A tool with its types erased, as the registry holds it; the registry validates input before calling `handler`. */
export interface Tool extends Omit<ToolDefinition<InputSchema, OutputSchema>, 'handler'> {
  handler(input: never, ctx: ToolContext): Promise<unknown>;
}

export function defineTool<I extends InputSchema, O extends OutputSchema>(definition: ToolDefinition<I, O>): Tool {
  return definition;
}

export interface ToolFailure {
  code: string;
  message: string;
  hint: string;
  issues?: readonly { field: string; problem: string }[];
}

/** Tool failures are data: a model reads them and recovers. Never thrown. */
export type ToolResult =
  | { ok: true; tool: string; output: Record<string, unknown>; text: string }
  | { ok: false; tool: string; error: ToolFailure; text: string };
