import type { Status } from '../types';

const RANK: Record<Status, number> = { ok: 0, warning: 1, critical: 2 };

/** The more severe of two statuses. */
export function worst(a: Status, b: Status): Status {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Orders statuses from most to least severe (for sorting). */
export function severityRank(status: Status): number {
  return RANK[status];
}
