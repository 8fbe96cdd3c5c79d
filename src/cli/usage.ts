import type { Usage } from '../agent/types.js';

const n = (x: number): string => x.toLocaleString('en');

/** Tokens and estimated cost in one line a responder can read: what /cost and `ask` say. */
export function describeUsage(usage: Usage, costUsd: number, model: string, fellBack: boolean): string {
  const total = usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  if (total === 0)
    return fellBack || model === 'offline-playbook'
      ? 'answered by the offline playbook: no API cost'
      : 'no API tokens used (what the offline playbook answers costs nothing)';
  const cache =
    usage.cacheReadTokens || usage.cacheWriteTokens
      ? ` (cache: ${n(usage.cacheReadTokens)} read, ${n(usage.cacheWriteTokens)} written)`
      : '';
  return `${n(usage.inputTokens)} input + ${n(usage.outputTokens)} output tokens${cache}, about $${costUsd.toFixed(4)} with ${model}${fellBack ? ', the rest answered by the offline playbook' : ''} (an estimate, not an invoice)`;
}
