import type { Hit } from '../core/hit.js';
import type { HitContext } from '../core/hit-context.js';
import { toHit } from '../core/to-hit.js';
import type { RequestInfo } from '../core/request-info.js';
import type { Accounting } from './accounting.js';
import type { Clock } from './clock.js';
import type { Protocol } from './protocol.js';
import { createRingQueue } from './queue.js';
import type { Job, Sender } from './sender.js';

interface Queued {
  readonly info: RequestInfo;
  readonly bytes: number;
  readonly context: HitContext;
}

/**
 * The path from the queue to the sender: raw request infos wait in a ring buffer (cheap to
 * push), and a drain turns them into hits, encodes them and hands the requests to the sender.
 * Generations let `flush()` wait for exactly the work that existed when it was called.
 */
export interface Pipeline {
  push(info: RequestInfo, bytes: number, context?: HitContext): void;
  readonly queued: number;
  readonly queuedBytes: number;
  /** Moves everything queued to the sender; returns the generation of that drain. */
  drain(): number;
  /** Resolves when every job of `generation` and before has settled. */
  settledThrough(generation: number): Promise<void>;
  /** A job left the sender (delivered, failed or abandoned). */
  jobDone(job: Job): void;
  /** Empties the queue, returning what was in it (for `closed` accounting at close). */
  takeQueued(): RequestInfo[];
}

export function createPipeline(deps: { context: HitContext; protocol: Protocol; sender: Sender; accounting: Accounting; clock: Clock; onStale: (hits: Hit[]) => void; onInvalid: (count: number) => void }): Pipeline {
  const queue = createRingQueue<Queued>();
  const outstanding = new Map<number, number>();
  const waiters: { generation: number; resolve: () => void }[] = [];
  let queuedBytes = 0;
  let generation = 0;

  const release = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i];
      if (waiter !== undefined && ![...outstanding.keys()].some((g) => g <= waiter.generation)) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };

  const buildHits = (): { hits: Hit[]; bytes: number } => {
    const hits: Hit[] = [];
    let bytes = 0;
    let invalid = 0;
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      queuedBytes -= item.bytes;
      try {
        hits.push(toHit(item.info, item.context));
        bytes += item.bytes;
      } catch {
        invalid++;
      }
    }
    if (invalid > 0) deps.onInvalid(invalid);
    return { hits, bytes };
  };

  return {
    push(info, bytes, context = deps.context) {
      queue.push({ info, bytes, context });
      queuedBytes += bytes;
    },
    get queued() {
      return queue.length;
    },
    get queuedBytes() {
      return queuedBytes;
    },
    drain() {
      generation++;
      if (queue.length === 0) return generation;
      const now = deps.clock.now();
      const { hits, bytes } = buildHits();
      let encoded: ReturnType<Protocol['encode']>;
      try {
        encoded = deps.protocol.encode(hits, now);
      } catch {
        deps.onInvalid(hits.length);
        return generation;
      }
      if (encoded.stale.length > 0) deps.onStale(encoded.stale);
      const share = hits.length === 0 ? 0 : bytes / hits.length;
      for (const request of encoded.requests) {
        outstanding.set(generation, (outstanding.get(generation) ?? 0) + 1);
        deps.sender.add({ request, generation, bytes: share * request.hits.length, attempts: 0, firstAttemptMs: undefined, notBeforeMs: now, lastError: undefined });
      }
      return generation;
    },
    settledThrough(target) {
      if (![...outstanding.keys()].some((g) => g <= target)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ generation: target, resolve }));
    },
    jobDone(job) {
      const left = (outstanding.get(job.generation) ?? 1) - 1;
      if (left <= 0) outstanding.delete(job.generation);
      else outstanding.set(job.generation, left);
      release();
    },
    takeQueued() {
      const infos: RequestInfo[] = [];
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) infos.push(item.info);
      queuedBytes = 0;
      return infos;
    },
  };
}
