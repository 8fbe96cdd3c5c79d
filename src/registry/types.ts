import type { z } from 'zod';
import type { GitRunner } from '../deploys/git.js';
import type { IncidentContext } from '../incident/context.js';
import type { RunbookCatalog } from '../runbooks/catalog.js';

/** Honest MCP annotations: they decide concurrency in the agent loop and consent prompts in clients. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** Everything a tool may touch: the incident services' context plus the readiness sources. Built by src/runtime. */
export interface ToolContext extends IncidentContext {
  runbooks: RunbookCatalog;
  git: GitRunner;
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
  /** The incident a successful call makes the conversation's active one (open_incident: the one it declared). */
  activates?(output: z.output<O>): string | null;
}

/** A tool with its types erased, as the registry holds it; the registry validates input before calling `handler`. */
export interface Tool extends Omit<ToolDefinition<InputSchema, OutputSchema>, 'handler' | 'activates'> {
  handler(input: never, ctx: ToolContext): Promise<unknown>;
  activates?(output: never): string | null;
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
  | {
      ok: true;
      tool: string;
      output: Record<string, unknown>;
      text: string;
      /** The incident this call made active, for the conversation to follow. */
      activeIncident?: string;
    }
  | { ok: false; tool: string; error: ToolFailure; text: string };
