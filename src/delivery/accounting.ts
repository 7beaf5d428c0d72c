import type { DropReason, FailReason } from './events.js';

/**
 * The tracker's counters. Every hit is counted once as tracked and, at any moment, in
 * exactly one of sent, failed, dropped or pending: tracked = sent + failed + dropped + pending.
 */
export interface Accounting {
  tracked: number;
  sent: number;
  retried: number;
  readonly failedBy: Record<FailReason, number>;
  readonly droppedBy: Record<DropReason, number>;
  fail(reason: FailReason, count: number): void;
  drop(reason: DropReason, count: number): void;
  readonly failed: number;
  readonly dropped: number;
}

export function createAccounting(): Accounting {
  const failedBy: Record<FailReason, number> = { http_4xx: 0, http_other: 0, validation: 0, retry_deadline: 0, aborted: 0 };
  const droppedBy: Record<DropReason, number> = { queue_full: 0, queue_bytes_full: 0, invalid: 0, closed: 0, stale: 0, test_environment: 0 };
  let failed = 0;
  let dropped = 0;
  return {
    tracked: 0,
    sent: 0,
    retried: 0,
    failedBy,
    droppedBy,
    fail(reason, count) {
      failedBy[reason] += count;
      failed += count;
    },
    drop(reason, count) {
      droppedBy[reason] += count;
      dropped += count;
    },
    get failed() {
      return failed;
    },
    get dropped() {
      return dropped;
    },
  };
}
