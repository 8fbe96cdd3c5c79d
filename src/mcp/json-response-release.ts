import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';

/** The parts of the SDK's web-standard transport this works around (private fields, checked at run time). */
interface WebTransportInternals {
  send(message: JSONRPCMessage, options?: { relatedRequestId?: RequestId }): Promise<void>;
  _streamMapping: Map<string, { resolveJson?: unknown; cleanup: () => void }>;
  _requestToStreamMapping: Map<RequestId, string>;
}

function internals(transport: StreamableHTTPServerTransport): WebTransportInternals | null {
  const inner = (transport as unknown as { _webStandardTransport?: Partial<WebTransportInternals> })
    ._webStandardTransport;
  return inner &&
    typeof inner.send === 'function' &&
    inner._streamMapping instanceof Map &&
    inner._requestToStreamMapping instanceof Map
    ? (inner as WebTransportInternals)
    : null;
}

const isResponse = (message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } =>
  'id' in message && ('result' in message || 'error' in message);

/**
 * @modelcontextprotocol/sdk 1.32.2 (modelcontextprotocol/typescript-sdk#2559): in JSON-response
 * mode, once every response of a POST is ready the transport resolves the pending HTTP response
 * but never deletes that POST's entry from its stream map (only SSE mode runs the entry's
 * cleanup). The entry's resolver holds the Response, body included, until the session closes:
 * one long session kept every answer it ever gave. This runs the cleanup the SDK skips, once no
 * request of that POST is still waiting for its response.
 *
 * Returns false when the SDK's internals are not what this expects (a version with the fix, or
 * a reshaped transport): nothing is patched then, and test/reliability/http-load.test.ts, which
 * measures a long session's memory, says whether the leak is back.
 */
export function releaseAnsweredResponses(transport: StreamableHTTPServerTransport): boolean {
  const inner = internals(transport);
  if (!inner) return false;
  const send = inner.send.bind(inner);
  inner.send = async (message, options) => {
    const streamId = isResponse(message) ? inner._requestToStreamMapping.get(message.id) : undefined;
    await send(message, options);
    if (streamId === undefined) return;
    for (const pending of inner._requestToStreamMapping.values()) if (pending === streamId) return;
    const entry = inner._streamMapping.get(streamId);
    // SSE entries have no resolveJson and are cleaned by the SDK itself.
    if (entry?.resolveJson) entry.cleanup();
  };
  return true;
}
