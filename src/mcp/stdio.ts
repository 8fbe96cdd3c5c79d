import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Runtime } from '../runtime/runtime.js';
import { describeLocation } from '../runtime/store.js';
import type { ToolCatalog } from './catalog.js';
import { drain } from './drain.js';
import { createMcpServer } from './server.js';

/**
 * Serves MCP over stdin/stdout until stdin closes or SIGTERM/SIGINT arrives; then finishes
 * in-flight calls, closes the store and resolves. stdout carries only JSON-RPC.
 */
export async function serveStdio(runtime: Runtime, catalog: ToolCatalog, drainMs = 10_000): Promise<void> {
  const session = createMcpServer(runtime, catalog);
  const transport = new StdioServerTransport();
  await session.server.connect(transport);
  runtime.logger.info(
    { tools: catalog.registry.tools.length, db: describeLocation(runtime.paths.store) },
    'mcp stdio server ready',
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (reason: string): void => {
      if (stopping) return;
      stopping = true;
      runtime.logger.info({ reason }, 'mcp stdio server stopping');
      void (async () => {
        const drained = await drain(session.inFlight, drainMs);
        if (!drained) runtime.logger.warn({ inFlight: session.inFlight() }, 'stopping with tool calls still running');
        await session.close().catch(() => undefined);
        await runtime.close();
        resolve();
      })();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    process.stdin.once('end', () => stop('stdin closed'));
    process.stdin.once('close', () => stop('stdin closed'));
  });
}
