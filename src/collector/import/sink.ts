import type { Hit } from '../../core/hit.js';

/** What one `write` did with the hits it was given. */
export interface SinkResult {
  /** Hits newly stored or delivered. */
  readonly imported: number;
  /** Hits the store already held (same client and hit id): an earlier import of the same lines. */
  readonly duplicates: number;
  /** Hits not sent on purpose, by reason (GA4: `older_than_72h`). */
  readonly skipped: Readonly<Record<string, number>>;
  /** Hits that could not be delivered, by reason (`http_4xx`, `retry_deadline`, ...). */
  readonly failed: Readonly<Record<string, number>>;
}

/**
 * Where imported hits go: a store (`--db`), or the delivery engine (`--to`). `write` resolves
 * when every hit given is settled (stored, or delivered or failed for good), so the caller may
 * then record the lines as done (--resume).
 */
export interface HitSink {
  /** `--db` or `--to` as the summary names it (never with a secret or a password). */
  readonly name: string;
  /** `timed[i]` says whether line i logged a duration (a store keeps none for the others; GA4 needs one and gets 0). */
  write(hits: readonly Hit[], timed: readonly boolean[]): Promise<SinkResult>;
  close(): Promise<void>;
}

export function addCounts(total: Record<string, number>, more: Readonly<Record<string, number>>): void {
  for (const [reason, count] of Object.entries(more)) total[reason] = (total[reason] ?? 0) + count;
}
