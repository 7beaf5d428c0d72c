import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock } from '../delivery/clock.js';
import type { SendResult, Transport } from '../delivery/transport.js';
import type { EncodedRequest } from '../delivery/wire-format.js';
import { QUEUE_JOB_VERSION, type QueueJobData } from '../protocols/queue/job.js';
import { producerConnection } from './connection.js';
import { JOB_NAME, JOB_OPTIONS } from './job-options.js';
import type { RedisTarget } from './redis-url.js';

/** Jobs in one `addBulk` at most: one round trip for a whole slice of the tracker's work. */
const MAX_JOBS_PER_ADD = 64;

interface Waiting {
  readonly request: EncodedRequest;
  readonly resolve: (result: SendResult) => void;
  settled: boolean;
}

/**
 * The queue destination's transport: each request (a batch of hits) becomes one BullMQ job;
 * requests handed over in the same tick go to Redis in one `addBulk`. The connection is opened
 * with the tracker and reconnects on its own; while Redis is away a send fails at once as
 * `network` (retryable), so the tracker's retries, breaker and bounds apply as for HTTP. An
 * attempt that runs out of time is reported `timeout` though its jobs may still be added: at
 * least once, as with HTTP (the collector keeps each hit id once).
 */
export function createRedisTransport({ target, name, prefix, clock }: { target: RedisTarget; name: string; prefix: string; clock: Clock }): Transport<EncodedRequest> {
  let waiting: Waiting[] = [];
  let scheduled = false;

  // Connected from the start (in the background, holding the process by nothing), so the first
  // batch finds it ready.
  const connection: Redis = producerConnection(target);
  let queue: Queue | undefined = new Queue(name, { connection, prefix, defaultJobOptions: JOB_OPTIONS });
  queue.on('error', () => undefined);

  const add = (batch: Waiting[]): void => {
    const jobs = batch.map(({ request }) => ({ name: JOB_NAME, data: { v: QUEUE_JOB_VERSION, hits: request.hits } satisfies QueueJobData }));
    let added: Promise<unknown>;
    // While Redis is away nothing waits on it: BullMQ would hold the add until it is back, after
    // the attempt's deadline, and add the jobs again beside their retry.
    if (queue === undefined || connection.status !== 'ready') added = Promise.reject(new Error(`Redis is not connected (${connection.status})`));
    else {
      try {
        added = queue.addBulk(jobs);
      } catch (error) {
        added = Promise.reject(error as Error);
      }
    }
    added.then(
      () => settle(batch, { kind: 'success', status: 200 }),
      (error: unknown) => settle(batch, { kind: 'retryable', reason: 'network', error: messageOf(error) }),
    );
  };

  const run = (): void => {
    scheduled = false;
    const all = waiting.filter((each) => !each.settled);
    waiting = [];
    for (let at = 0; at < all.length; at += MAX_JOBS_PER_ADD) add(all.slice(at, at + MAX_JOBS_PER_ADD));
  };

  return {
    send(request, options) {
      if (options.signal.aborted) return Promise.resolve({ kind: 'failure', reason: 'aborted', error: 'tracker closed' });
      return new Promise<SendResult>((resolve) => {
        const onAbort = () => settle([entry], { kind: 'failure', reason: 'aborted', error: 'tracker closed' });
        const entry: Waiting = {
          request,
          settled: false,
          resolve: (result) => {
            clock.clearTimeout(timer);
            options.signal.removeEventListener('abort', onAbort);
            resolve(result);
          },
        };
        const timer = clock.setTimeout(() => settle([entry], { kind: 'retryable', reason: 'timeout', error: `Redis did not take the job within ${options.timeoutMs} ms` }), options.timeoutMs);
        options.signal.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(run);
        }
      });
    },
    async close() {
      const closing = queue;
      queue = undefined;
      await closing?.close().catch(() => undefined);
      connection.disconnect();
    },
  };
}

function settle(batch: readonly Waiting[], result: SendResult): void {
  for (const entry of batch) {
    if (entry.settled) continue;
    entry.settled = true;
    entry.resolve(result);
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
