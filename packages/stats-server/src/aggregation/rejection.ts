// Why a metric, line or value was not stored: one reason per rejection, counted by reason.

export const REJECT_REASONS = [
  'malformed',
  'name_length',
  'tag_length',
  'too_many_tags',
  'set_member_length',
  'name_clash',
  'reserved_name',
  'series_limit',
  'set_members_limit',
  'memory_budget',
  'negative_observation',
  'non_finite',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Rejection {
  readonly reason: RejectReason;
  /** What was wrong, naming the metric and the bound; for logs and batch answers. */
  readonly message: string;
}

export function reject(reason: RejectReason, message: string): Rejection {
  return { reason, message };
}

/** Rejections per reason, all zero to start. */
export function newRejectionCounts(): Record<RejectReason, number> {
  const counts = Object.create(null) as Record<RejectReason, number>;
  for (const r of REJECT_REASONS) counts[r] = 0;
  return counts;
}
