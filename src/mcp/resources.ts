import { readFileSync } from 'node:fs';
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { NotFoundError } from '../core/errors.js';
import { parseIncidentId } from '../core/ids.js';
import { incidentView } from '../incident/view.js';
import type { Runtime } from '../runtime/runtime.js';

export const SOUL_URI = 'soul://active';
export const SEVERITY_URI = 'severity://framework';
export const INCIDENT_TEMPLATE = 'incident://{id}';
const INCIDENT_URI = /^incident:\/\/(INC-\d{1,9})$/i;
const PAGE = 50;

export interface ResourceEntry {
  uri: string;
  name: string;
  title: string;
  description: string;
  mimeType: string;
}

export function incidentIdFromUri(uri: string): string | null {
  const m = INCIDENT_URI.exec(uri);
  return m ? parseIncidentId(m[1]!) : null;
}

/** Static resources first, then incidents newest first, 50 per page; the cursor is the offset. */
export async function listResources(
  runtime: Runtime,
  cursor: string | undefined,
): Promise<{ resources: ResourceEntry[]; nextCursor?: string }> {
  const offset = cursor === undefined ? 0 : Number(cursor);
  if (!Number.isInteger(offset) || offset < 0)
    throw new McpError(ErrorCode.InvalidParams, `invalid cursor "${cursor}": pass the nextCursor of the previous page`);
  const statics: ResourceEntry[] =
    offset === 0
      ? [
          {
            uri: SOUL_URI,
            name: 'soul',
            title: 'Active SOUL.md',
            description: `The commander's persona and working settings (${runtime.paths.soul}).`,
            mimeType: 'text/markdown',
          },
          {
            uri: SEVERITY_URI,
            name: 'severity-framework',
            title: 'Severity framework',
            description: 'SEV1–SEV4 definitions, criteria, escalation triggers and update cadence.',
            mimeType: 'application/yaml',
          },
        ]
      : [];
  const incidents = await runtime.store.listIncidents({ limit: offset + PAGE + 1 });
  const page = incidents.slice(offset, offset + PAGE);
  return {
    resources: [
      ...statics,
      ...page.map((i) => ({
        uri: `incident://${i.id}`,
        name: i.id,
        title: `${i.id} ${i.title}`,
        description: `${i.severity} ${i.status}: state, roles, schedule, action items and timeline.`,
        mimeType: 'application/json',
      })),
    ],
    ...(incidents.length > offset + PAGE ? { nextCursor: String(offset + PAGE) } : {}),
  };
}

export async function readResource(
  runtime: Runtime,
  uri: string,
): Promise<{ contents: { uri: string; mimeType: string; text: string }[] }> {
  if (uri === SOUL_URI)
    return { contents: [{ uri, mimeType: 'text/markdown', text: readFileSync(runtime.paths.soul, 'utf8') }] };
  if (uri === SEVERITY_URI)
    return { contents: [{ uri, mimeType: 'application/yaml', text: readFileSync(runtime.paths.severity, 'utf8') }] };
  const id = incidentIdFromUri(uri);
  if (!id)
    throw new McpError(
      ErrorCode.InvalidParams,
      `unknown resource "${uri}": use ${SOUL_URI}, ${SEVERITY_URI} or incident://INC-<n>`,
    );
  const view = await incidentView(runtime.context('mcp'), id, { timelineLimit: 500 }).catch((error: unknown) => {
    if (error instanceof NotFoundError)
      throw new McpError(-32002, `resource not found: ${uri} (${error.message})`, { uri });
    throw error;
  });
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(view) }] };
}
