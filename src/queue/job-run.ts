import type { Hit } from '../core/hit.js';
import type { DropReason, FailReason } from '../delivery/events.js';

/** Fates after which a hit is not tried again: the destination refused it, or it cannot be sent at all. */
const FOR_GOOD: ReadonlySet<string> = new Set<FailReason | DropReason>(['http_4xx', 'http_other', 'validation', 'stale', 'invalid']);

/** What became of one job's hits. */
export interface JobRunResult {
  readonly sent: number;
  /** Not delivered yet (retry deadline, the worker closing, its queue full): the job is tried again. */
  readonly again: Hit[];
  /** Refused for good (4xx, validation, too old for GA4): kept in BullMQ's failed set. */
  readonly forGood: Hit[];
  /** How many hits met each reason. */
  readonly reasons: Readonly<Record<string, number>>;
}

/** Follows one job's hits through the engine until each has settled. */
export interface JobRun {
  settle(hit: Hit, fate: 'sent' | FailReason | DropReason): void;
  readonly done: Promise<JobRunResult>;
}

export function createJobRun(count: number): JobRun {
  let left = count;
  let sent = 0;
  const again: Hit[] = [];
  const forGood: Hit[] = [];
  const reasons: Record<string, number> = {};
  let finish: (result: JobRunResult) => void = () => undefined;
  const done = new Promise<JobRunResult>((resolve) => (finish = resolve));
  return {
    settle(hit, fate) {
      if (fate === 'sent') sent++;
      else {
        reasons[fate] = (reasons[fate] ?? 0) + 1;
        (FOR_GOOD.has(fate) ? forGood : again).push(hit);
      }
      if (--left === 0) finish({ sent, again, forGood, reasons });
    },
    done,
  };
}

/** `3 retry_deadline, 1 http_4xx`. */
export function describeReasons(reasons: Readonly<Record<string, number>>): string {
  return Object.entries(reasons).map(([reason, count]) => `${count} ${reason}`).join(', ');
}
