import { Queue } from 'bullmq';
import { checkRedis, workerConnection } from './connection.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './defaults.js';
import { resolveQueueOptions, type QueueOptions } from './destination.js';

/**
 * Puts every job of the failed set back in the queue (`footfall worker --retry-failed`), with
 * the hits they kept: those that failed for good, or whose tries ran out. Returns how many.
 */
export async function retryFailedJobs(options: Pick<QueueOptions, 'redisUrl' | 'name' | 'prefix'> & { connectTimeoutMs?: number }): Promise<number> {
  const { target, name, prefix } = resolveQueueOptions({ redisUrl: options.redisUrl, name: options.name, prefix: options.prefix });
  await checkRedis(target, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  const connection = workerConnection(target);
  const queue = new Queue(name, { connection, prefix });
  try {
    const { failed = 0 } = await queue.getJobCounts('failed');
    if (failed > 0) await queue.retryJobs({ state: 'failed', count: 1_000 });
    return failed;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
