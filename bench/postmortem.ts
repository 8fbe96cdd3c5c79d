import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/logger.js';
import { ManualClock } from '../src/core/time.js';
import { draftPostmortem } from '../src/postmortem/service.js';
import { openRuntime } from '../src/runtime/runtime.js';
import type { NewEvent } from '../src/store/types.js';
import { createRegistry } from '../tools/index.js';
import { median, ms, ratio, table } from './stats.js';

const KINDS: NewEvent['kind'][] = ['observation', 'action', 'note', 'decision', 'observation', 'note'];

/** A post-mortem of an incident with `events` timeline entries, against reading that timeline alone. */
export async function benchPostmortem(
  events: number,
  runs: number,
): Promise<{ markdown: string; data: Record<string, number> }> {
  const home = mkdtempSync(join(tmpdir(), 'ic-bench-pm-'));
  const clock = new ManualClock('2026-03-10T10:00:00.000Z');
  const runtime = openRuntime({
    env: { INCIDENT_COMMANDER_HOME: home },
    registry: createRegistry(),
    logger: silentLogger(),
    clock,
  });
  try {
    const ctx = runtime.context('bench');
    await runtime.registry.call(
      'open_incident',
      {
        title: 'Checkout failing',
        description: "payment API 500s, customers can't check out",
        services: ['payment-api'],
      },
      ctx,
    );
    await runtime.registry.call('assign_roles', { incidentId: 'INC-1' }, ctx);
    const start = clock.now().getTime();
    for (let i = 0; i < events; i += 500) {
      const batch = Array.from(
        { length: Math.min(500, events - i) },
        (_, j): NewEvent => ({
          at: new Date(start + (i + j) * 1000).toISOString(),
          author: j % 3 ? 'scribe' : 'priya',
          kind: KINDS[(i + j) % KINDS.length]!,
          text: `error rate ${(i + j) % 100}% on /checkout; pool usage ${(i + j) % 97}% (sample ${i + j})`,
        }),
      );
      await runtime.store.appendEvents('INC-1', batch);
    }
    clock.set(new Date(start + events * 1000 + 60_000));
    await runtime.registry.call(
      'create_action_item',
      { incidentId: 'INC-1', title: 'Canary stage for payment-api', owner: 'Priya', due: '14d', kind: 'prevent' },
      ctx,
    );
    await runtime.registry.call('resolve_incident', { incidentId: 'INC-1', resolution: 'rolled back v2.14.0' }, ctx);

    const read: number[] = [];
    const full: number[] = [];
    const tool: number[] = [];
    let lines = 0;
    for (let r = 0; r < runs; r++) {
      let t = performance.now();
      await runtime.store.listTimeline('INC-1');
      read.push(performance.now() - t);
      t = performance.now();
      const pm = await draftPostmortem(ctx, 'INC-1');
      full.push(performance.now() - t);
      lines = pm.markdown.split('\n').length;
      t = performance.now();
      const result = await runtime.registry.call('generate_postmortem', { incidentId: 'INC-1' }, ctx);
      tool.push(performance.now() - t);
      if (!result.ok) throw new Error(result.text);
    }
    const data = { events, readMs: median(read), fullMs: median(full), toolMs: median(tool), lines };
    const markdown = [
      `Post-mortem of an incident with ${events.toLocaleString('en')} timeline entries, median of ${runs} runs. The reference is reading that timeline from SQLite alone, in the same run. Target: under 200 ms.`,
      '',
      table(
        ['what', 'time', 'reference (read timeline)', 'ratio', 'target'],
        [
          [
            `full draft (all ${events.toLocaleString('en')} entries, ${lines.toLocaleString('en')} lines of markdown: \`incident-commander postmortem\`)`,
            `${ms(data.fullMs)} ms`,
            `${ms(data.readMs)} ms`,
            ratio(data.fullMs, data.readMs),
            data.fullMs < 200 ? 'met' : 'MISSED',
          ],
          [
            '`generate_postmortem` tool call (200 key entries in the markdown)',
            `${ms(data.toolMs)} ms`,
            `${ms(data.readMs)} ms`,
            ratio(data.toolMs, data.readMs),
            data.toolMs < 200 ? 'met' : 'MISSED',
          ],
        ],
      ),
    ].join('\n');
    return { markdown, data };
  } finally {
    await runtime.close();
    rmSync(home, { recursive: true, force: true });
  }
}
