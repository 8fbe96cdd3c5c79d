import { formatClock } from '../../core/time.js';
import type { IncidentStatus } from '../../store/types.js';
import { overridesFrom } from '../args.js';
import { EXIT, type CliIO } from '../io.js';
import { openCliRuntime } from '../open.js';
import type { Parsed } from '../spec.js';
import type { INCIDENTS_LIST } from './specs.js';

const STATUSES: Record<'open' | 'resolved' | 'all', IncidentStatus[]> = {
  open: ['investigating', 'identified', 'monitoring'],
  resolved: ['resolved'],
  all: ['investigating', 'identified', 'monitoring', 'resolved'],
};

export async function run({ flags }: Parsed<(typeof INCIDENTS_LIST)['flags']>, io: CliIO): Promise<number> {
  const runtime = openCliRuntime(overridesFrom(flags), io, { readOnly: true });
  try {
    const incidents = await runtime.store.listIncidents({ status: STATUSES[flags.status], limit: 200 });
    if (flags.json) io.stdout(`${JSON.stringify(incidents)}\n`);
    else if (!incidents.length) io.stdout('No incidents.\n');
    else
      for (const i of incidents)
        io.stdout(`${i.id.padEnd(8)} ${i.severity} ${i.status.padEnd(13)} ${formatClock(i.startedAt)}  ${i.title}\n`);
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}
