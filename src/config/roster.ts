import { existsSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { readOperatorFile } from '../core/files.js';
import { parseYamlText, validateConfig } from '../core/yaml.js';

export const PersonSchema = z
  .object({
    name: z.string().min(1).max(100).describe('Full name or handle, as people address them in the incident channel.'),
    owns: z
      .array(z.string().min(1).max(100))
      .default([])
      .describe('Services this person owns (can lead the investigation of).'),
    can_serve: z
      .array(z.string().min(1).max(60))
      .default([])
      .describe('Role ids this person is trained for, e.g. incident_commander, communications_lead.'),
    on_call: z.boolean().default(false).describe('On call right now.'),
    available: z.boolean().default(true).describe('False when away (leave, asleep in another time zone).'),
    slack: z
      .string()
      .regex(/^[UW][A-Z0-9]{2,20}$/, 'must be a Slack user id such as U0123ABCD (profile → ⋮ → Copy member ID)')
      .optional()
      .describe('Slack member id, so the Slack app knows which person a Slack user is.'),
  })
  .strict();

export type Person = z.output<typeof PersonSchema>;

const RosterFileSchema = z.object({ people: z.array(PersonSchema) }).strict();

export interface Roster {
  file: string | null;
  people: Person[];
}

export const EMPTY_ROSTER: Roster = { file: null, people: [] };

export function loadRoster(path: string | null): Roster {
  if (!path) return EMPTY_ROSTER;
  if (!existsSync(path))
    throw new ConfigError(
      path,
      [{ field: '', problem: 'file not found' }],
      'Pass --roster FILE or set INCIDENT_COMMANDER_ROSTER to an existing roster.yaml.',
    );
  const parsed = validateConfig(
    RosterFileSchema,
    parseYamlText(
      readOperatorFile(path, 'Pass --roster FILE or set INCIDENT_COMMANDER_ROSTER to a readable roster.yaml.'),
      path,
    ),
    path,
  );
  return { file: path, people: parsed.people };
}
