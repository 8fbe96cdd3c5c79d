import type { IncidentKind } from '../language/index.js';

/** What a seasoned incident commander does first for each kind of incident, after severity and roles. */
export interface KindResponse {
  /** How the kind is named in replies. */
  label: string;
  /** The moves of this kind, most urgent first. */
  moves: readonly string[];
  /** The one question that decides the next move for this kind. */
  question: string;
  /** Who else must be brought in. */
  involve?: string;
}

export const KIND_RESPONSES: Record<IncidentKind, KindResponse> = {
  security: {
    label: 'security incident',
    moves: [
      'Page the security on-call now and keep the details in a private channel: assume an attacker may read the public one.',
      'Revoke and rotate what is exposed (keys, tokens, credentials, sessions) — revoke first, then find every place it was used.',
      'Preserve evidence before changing anything: logs, audit trails, disk and memory snapshots. Do not wipe, rebuild or restart affected hosts yet.',
      'Contain: cut the access path (block the IPs or accounts, disable the integration, take the leaked object private).',
      'Disclosure goes through comms and legal: customers, regulators and partners may have deadlines (72 h under GDPR) — start the clock now.',
    ],
    question: 'What exactly was exposed or accessed, and since when?',
    involve: 'security on-call, legal',
  },
  data_integrity: {
    label: 'data-integrity incident',
    moves: [
      'Stop the writer first: pause the job, the migration or the service that is writing wrong data — every minute makes the repair bigger.',
      'Protect the backups: snapshot the database now and make sure retention or cleanup jobs cannot delete what you will restore from.',
      'Do not restore over the evidence: restore to a separate copy, compare, then repair — never write straight over production.',
      'Work out the blast radius: which records, which customers, since when — from the audit log or the write path, not guesses.',
    ],
    question: 'Is the bad data still being written, and which records are affected?',
    involve: 'the database owner',
  },
  deploy: {
    label: 'deploy-correlated incident',
    moves: [
      "Roll back first: if the change lines up with the start, revert it now and debug later — don't debug in production.",
      'Freeze further deploys to the affected services until the incident is over.',
      'Confirm the rollback worked on the error rate, not just that the pipeline finished.',
    ],
    question: 'Can you roll back that change now?',
  },
  capacity: {
    label: 'capacity incident',
    moves: [
      'Buy headroom first: shed or rate-limit non-critical load, scale out, free space — then find the cause.',
      'Protect the critical path: keep checkout, login and the core API up at the expense of batch jobs and background work.',
      'Find what changed in demand or supply: a traffic spike, a retry storm, a runaway job, a leak.',
    ],
    question: 'What is saturated — CPU, memory, connections, disk or queue depth — and how fast is it growing?',
  },
  third_party: {
    label: 'third-party incident',
    moves: [
      "Check the provider's status page and open a ticket with them now: ask for their incident number and ETA.",
      'Fail over or degrade gracefully: a secondary provider, another region, a cached response, a queue to retry later.',
      'Tell customers it is upstream without blaming the vendor by name in public until they confirm it.',
    ],
    question: 'Does the provider confirm an incident, and can we fail over to another provider or region?',
  },
  network_dns: {
    label: 'network or DNS incident',
    moves: [
      'Check from outside: resolve and connect from several networks and regions (dig against public resolvers, a synthetic check) to see who is cut off.',
      'Look at recent network, DNS, certificate and CDN changes first — revert the last one if it lines up.',
      'Mind TTLs: a fix to DNS takes as long as the old records live in caches; say so in customer updates.',
    ],
    question: 'Is it failing from every network and region, or only some?',
  },
  availability: {
    label: 'outage',
    moves: [
      'Check whether this lines up with a recent deployment or config change — if it does, roll it back first.',
      'Check the error rate in your APM: is it 100% failure or partial — which endpoints, regions, customers?',
      'Check downstream dependencies: databases, queues and third-party APIs the service calls.',
    ],
    question: 'What do your error logs show?',
  },
  latency: {
    label: 'latency incident',
    moves: [
      'Check saturation: CPU, memory, connection pools, queue depth, and the slowest dependency in the traces.',
      'Check whether it lines up with a deploy, a traffic change or a batch job starting.',
      'Shed or defer non-critical work to protect the critical path while you look.',
    ],
    question: 'Which dependency is slow in the traces, and since when?',
  },
  other: {
    label: 'incident',
    moves: [
      'Establish the impact: who is affected, how many, since when.',
      'Check what changed recently: deploys, config, feature flags, infrastructure.',
    ],
    question: 'Who is affected, and since when?',
  },
};
