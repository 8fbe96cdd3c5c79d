/**
 * One error class per failure mode. Each carries the data a caller (a person or a model)
 * needs to recover, and a `hint` that says what to do next.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'invalid_config'
  | 'external_failure'
  | 'unknown_tool'
  | 'tool_not_allowed'
  | 'forbidden';

export abstract class CommanderError extends Error {
  abstract readonly code: ErrorCode;
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}

/** One problem with one field of an input. `field` is a dotted path such as `assignments.scribe`. */
export interface FieldIssue {
  field: string;
  problem: string;
}

/** Input that fails validation. Nothing has been written when this is thrown. */
export class InputError extends CommanderError {
  readonly code = 'invalid_input' as const;
  readonly issues: readonly FieldIssue[];

  constructor(
    issues: readonly FieldIssue[],
    hint = 'Rewrite the input so that every field named above is valid, then call again.',
  ) {
    super(issues.map((i) => `field "${i.field}": ${i.problem}`).join('; '), hint);
    this.issues = issues;
  }

  static field(field: string, problem: string, hint?: string): InputError {
    return new InputError([{ field, problem }], hint);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

export class NotFoundError extends CommanderError {
  readonly code = 'not_found' as const;
  constructor(
    readonly entity: string,
    readonly id: string,
    hint: string,
  ) {
    super(`${entity} "${id}" does not exist`, hint);
  }
}

/** A request that is valid on its own but not in the current state (resolving a resolved incident). */
export class ConflictError extends CommanderError {
  readonly code = 'conflict' as const;
}

/** A config file (SOUL.md, severity framework, services, roster) that does not validate. */
export class ConfigError extends CommanderError {
  readonly code = 'invalid_config' as const;
  readonly file: string;
  readonly issues: readonly FieldIssue[];

  constructor(file: string, issues: readonly FieldIssue[], hint = `Fix ${file} and try again.`) {
    super(`${file}: ${issues.map((i) => (i.field ? `field "${i.field}": ${i.problem}` : i.problem)).join('; ')}`, hint);
    this.file = file;
    this.issues = issues;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), file: this.file, issues: this.issues };
  }
}

/** A dependency outside the process failed (git, a deploy log, the model API). */
export class ExternalError extends CommanderError {
  readonly code = 'external_failure' as const;
}

/** A caller that may not do this at all, whatever the input: a model or MCP client approving what customers will see. */
export class ForbiddenError extends CommanderError {
  readonly code = 'forbidden' as const;
}

export class UnknownToolError extends CommanderError {
  readonly code = 'unknown_tool' as const;
  constructor(
    readonly toolName: string,
    readonly available: readonly string[],
  ) {
    super(`unknown tool "${toolName}"`, `Use one of: ${available.join(', ')}.`);
  }
}

export class ToolNotAllowedError extends CommanderError {
  readonly code = 'tool_not_allowed' as const;
  constructor(
    readonly toolName: string,
    readonly allowed: readonly string[],
  ) {
    super(`tool "${toolName}" is not in this persona's allow-list`, `Use one of: ${allowed.join(', ')}.`);
  }
}

export function isCommanderError(error: unknown): error is CommanderError {
  return error instanceof CommanderError;
}
