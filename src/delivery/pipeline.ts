import type { Hit } from '../core/hit.js';
import type { HitContext } from '../core/hit-context.js';
import { toHit } from '../core/to-hit.js';
import type { RequestInfo } from '../core/request-info.js';
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
  /**
   * Moves queued hits to the sender and returns the generation of that drain. `'full'` sends
   * only full batches and holds the rest of each group for a later drain (so a busy API sends
   * 25-event requests, not a full one and a stub); `'all'` sends everything.
   */
  drain(mode?: 'full' | 'all'): number;
  /** Resolves when every job of `generation` and before has settled. */
  settledThrough(generation: number): Promise<void>;
  /** A job left the sender (delivered, failed or abandoned). */
  jobDone(job: Job): void;
  /** Empties the queue, returning what was in it (for `closed` accounting at close). */
  takeQueued(): RequestInfo[];
  /** Empties the hits held for company (for `closed` accounting at close). */
  takeHeld(): Hit[];
}

/** Hits held back for company at most; past it a drain sends partial batches too. */
const MAX_HELD = 2_000;

export function createPipeline(deps: { context: HitContext; protocol: Protocol; sender: Sender; clock: Clock; onStale: (hits: Hit[]) => void; onInvalid: (count: number) => void }): Pipeline {
  const queue = createRingQueue<Queued>();
  /** Hits of partial batches waiting for company, with their share of bytes. */
  let held: { hit: Hit; bytes: number }[] = [];
  let heldBytes = 0;
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

  const buildHits = (): { hit: Hit; bytes: number }[] => {
    const built = held;
    held = [];
    heldBytes = 0;
    let invalid = 0;
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      queuedBytes -= item.bytes;
      try {
        built.push({ hit: toHit(item.info, item.context), bytes: item.bytes });
      } catch {
        invalid++;
      }
    }
    if (invalid > 0) deps.onInvalid(invalid);
    return built;
  };

  /** In 'full' mode, keeps back the remainder of each group; returns what goes now. */
  const selectFull = (built: { hit: Hit; bytes: number }[]): { hit: Hit; bytes: number }[] => {
    const groups = new Map<string, { hit: Hit; bytes: number }[]>();
    for (const entry of built) {
      const key = deps.protocol.groupKey(entry.hit);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [entry]);
      else group.push(entry);
    }
    const now: { hit: Hit; bytes: number }[] = [];
    for (const group of groups.values()) {
      const full = group.length - (group.length % deps.protocol.batchSize);
      now.push(...group.slice(0, full));
      for (const entry of group.slice(full)) {
        held.push(entry);
        heldBytes += entry.bytes;
      }
    }
    return now;
  };

  return {
    push(info, bytes, context = deps.context) {
      queue.push({ info, bytes, context });
      queuedBytes += bytes;
    },
    get queued() {
      return queue.length + held.length;
    },
    get queuedBytes() {
      return queuedBytes + heldBytes;
    },
    drain(mode = 'all') {
      generation++;
      if (queue.length === 0 && (held.length === 0 || mode === 'full')) return generation;
      const now = deps.clock.now();
      const built = buildHits();
      // Too many consumers waiting for company: send them all rather than hold a crowd.
      const entries = mode === 'full' && built.length < MAX_HELD ? selectFull(built) : built;
      const hits = entries.map((entry) => entry.hit);
      const bytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
      if (hits.length === 0) return generation;
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
    takeHeld() {
      const hits = held.map((entry) => entry.hit);
      held = [];
      heldBytes = 0;
      return hits;
    },
  };
}
