import { randomBytes } from 'node:crypto';
import { Worker, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Hit } from '../core/hit.js';
import type { Destination } from '../delivery/options.js';
import { assembleEngine, type Engine, type TrackerStats } from '../delivery/tracker.js';
import { FootfallError, describeValue } from '../errors.js';
import { integerOption, optionKeys, refuseUnknownKeys } from '../option-checks.js';
import { MAX_HITS_PER_JOB, readQueueJob } from '../protocols/queue/job.js';
import { checkRedis, workerConnection } from './connection.js';
import { DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_CONCURRENCY, DEFAULT_CONNECT_TIMEOUT_MS } from './defaults.js';
import { resolveQueueOptions } from './destination.js';
import { createJobRun, describeReasons, type JobRun } from './job-run.js';
import { BACKOFF_TYPE, jobBackoffMs } from './job-options.js';

export interface WorkerOptions {
  /** Where hits go: `ga4({...})`, `collector(url)` or `ua({...})` from footfall (not another queue). */
  destination: Destination;
  /** The Redis server. @default FOOTFALL_REDIS_URL */
  redisUrl?: string | undefined;
  /** The queue's name and key prefix, as the web processes' `queue()` has them. @default 'footfall', 'bull' */
  name?: string | undefined;
  prefix?: string | undefined;
  /** Jobs worked on at once (each up to 1 000 hits; hits of all of them share requests). @default 32 */
  concurrency?: number | undefined;
  /** How long the start may wait for Redis to answer. @default 5_000 */
  connectTimeoutMs?: number | undefined;
  /** close()'s default deadline: what is not delivered by then goes back to the queue. @default 10_000 */
  closeTimeoutMs?: number | undefined;
  /** A job's lock; a worker that dies holds its jobs this long before another takes them over. @default 30_000 */
  lockDurationMs?: number | undefined;
  /** How often this worker looks for jobs whose worker died (BullMQ's stalled check). @default 30_000 */
  stalledIntervalMs?: number | undefined;
  /** How long one request to the destination may be retried before its job is handed back to the queue for later. @default 60_000 */
  maxRetryMs?: number | undefined;
}

export interface WorkerStats {
  readonly jobs: { readonly completed: number; readonly failed: number; readonly retried: number; readonly handedBack: number; readonly active: number };
  readonly hits: { readonly delivered: number; readonly failed: number; readonly retried: number };
  /** The delivery engine's own counters, as `tracker.stats()`. */
  readonly delivery: TrackerStats;
}

export interface FootfallWorker {
  stats(): WorkerStats;
  /** Stops taking jobs, delivers what it holds within `timeoutMs`, hands the rest back to the queue. Once. */
  close(options?: { timeoutMs?: number }): Promise<WorkerStats>;
}

const KEYS = optionKeys<WorkerOptions>({ destination: true, redisUrl: true, name: true, prefix: true, concurrency: true, connectTimeoutMs: true, closeTimeoutMs: true, lockDurationMs: true, stalledIntervalMs: true, maxRetryMs: true });

/**
 * Consumes the queue's jobs and delivers their hits through the same engine as a tracker
 * (batching across jobs, adaptive timeouts, retries, breaker). A job is acknowledged only when
 * each of its hits is delivered or has failed for good; hits that failed for good stay in
 * BullMQ's failed set with the reason, hits not delivered yet go back for a later try. Several
 * workers share a queue; BullMQ hands a dead worker's jobs to another after `lockDurationMs`.
 */
export async function startWorker(options: WorkerOptions): Promise<FootfallWorker> {
  if (options === null || typeof options !== 'object') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object like { redisUrl, destination }', describeValue(options));
  refuseUnknownKeys(options, KEYS, 'startWorker()');
  const settings = resolveWorkerOptions(options);
  await checkRedis(settings.target, settings.connectTimeoutMs);
  return runWorker(settings);
}

type WorkerSettings = ReturnType<typeof resolveWorkerOptions>;

function resolveWorkerOptions(options: WorkerOptions) {
  const { destination } = options;
  if (destination === null || typeof destination !== 'object' || (destination.kind !== 'ga4' && destination.kind !== 'ua')) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'destination', 'ga4({ measurementId, apiSecret }), collector(url) or ua({ trackingId })', describeValue(destination));
  }
  const shared = resolveQueueOptions({ redisUrl: options.redisUrl, name: options.name, prefix: options.prefix });
  const number = (name: keyof WorkerOptions, fallback: number, min = 1) => integerOption(name, options[name], fallback, min);
  return {
    ...shared,
    destination,
    concurrency: number('concurrency', DEFAULT_CONCURRENCY),
    connectTimeoutMs: number('connectTimeoutMs', DEFAULT_CONNECT_TIMEOUT_MS),
    closeTimeoutMs: number('closeTimeoutMs', DEFAULT_CLOSE_TIMEOUT_MS, 0),
    lockDurationMs: number('lockDurationMs', 30_000, 1_000),
    stalledIntervalMs: number('stalledIntervalMs', 30_000, 100),
    maxRetryMs: number('maxRetryMs', 60_000, 0),
  };
}

function runWorker(settings: WorkerSettings): FootfallWorker {
  const { concurrency } = settings;
  const engine = assembleEngine({
    destination: settings.destination,
    hashKey: randomBytes(32), // the hits were pseudonymised by the web process; nothing is hashed here
    flushIntervalMs: 100,
    maxQueueSize: concurrency * MAX_HITS_PER_JOB,
    maxQueueBytes: Math.max(8_388_608, concurrency * MAX_HITS_PER_JOB * 2_048),
    maxRetryMs: settings.maxRetryMs,
    flushOnExit: false,
    closeOnSignals: false,
  }, { handsBack: true });
  const runs = followHits(engine);
  const counts = { completed: 0, failed: 0, retried: 0, handedBack: 0, active: 0, delivered: 0, hitsFailed: 0, hitsRetried: 0 };
  let stopping = false;

  const processJob = async (job: Job, token?: string): Promise<{ sent: number }> => {
    const reading = readQueueJob(job.data);
    if (!reading.ok) throw new UnrecoverableError(`not a Footfall job: ${reading.problem}`);
    counts.active++;
    try {
      const result = await runs.deliver(reading.hits);
      counts.delivered += result.sent;
      if (result.again.length > 0) {
        counts.hitsRetried += result.again.length;
        // Only what is still to do goes back: a later try sends no delivered hit again.
        await job.updateData({ v: job.data.v, hits: [...result.again, ...result.forGood] });
        if (stopping) {
          counts.handedBack++;
          await job.moveToWait(token);
          throw new WaitingError();
        }
        counts.retried++;
        throw new Error(`${result.again.length} of ${reading.hits.length} hits not delivered yet (${describeReasons(result.reasons)}); the job is tried again later`);
      }
      if (result.forGood.length > 0) {
        counts.hitsFailed += result.forGood.length;
        counts.failed++;
        await job.updateData({ v: job.data.v, hits: result.forGood });
        throw new UnrecoverableError(`${result.forGood.length} of ${reading.hits.length} hits failed for good (${describeReasons(result.reasons)}); the job keeps them: footfall worker --retry-failed sends them again`);
      }
      counts.completed++;
      return { sent: result.sent };
    } finally {
      counts.active--;
    }
  };

  const connection = workerConnection(settings.target);
  const worker = new Worker(settings.name, processJob, {
    connection,
    prefix: settings.prefix,
    concurrency,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    // A job whose worker died is taken over, however often that happens; it fails only by its own attempts.
    maxStalledCount: 1_000,
    settings: { backoffStrategy: (attemptsMade, type) => (type === BACKOFF_TYPE ? jobBackoffMs(attemptsMade) : 1_000) },
  });
  worker.on('error', () => undefined);

  const stats = (): WorkerStats => ({
    jobs: { completed: counts.completed, failed: counts.failed, retried: counts.retried, handedBack: counts.handedBack, active: counts.active },
    hits: { delivered: counts.delivered, failed: counts.hitsFailed, retried: counts.hitsRetried },
    delivery: engine.tracker.stats(),
  });
  let closing: Promise<WorkerStats> | undefined;
  return {
    stats,
    close(options = {}) {
      if (closing !== undefined) return closing;
      stopping = true;
      const timeoutMs = options.timeoutMs ?? settings.closeTimeoutMs;
      closing = (async () => {
        const workerClosed = worker.close();
        await engine.tracker.close({ timeoutMs });
        await workerClosed;
        connection.disconnect();
        return stats();
      })();
      return closing;
    },
  };
}

/** Routes the engine's outcomes back to the job each hit came with (by the hit object itself). */
function followHits(engine: Engine) {
  const owner = new WeakMap<Hit, JobRun>();
  const settle = (hits: readonly Hit[], fate: Parameters<JobRun['settle']>[1]) => {
    for (const hit of hits) {
      const run = owner.get(hit);
      if (run === undefined) continue;
      owner.delete(hit);
      run.settle(hit, fate);
    }
  };
  engine.tracker.on('sent', (report) => settle(report.hits, 'sent'));
  engine.tracker.on('failed', (report) => settle(report.hits, report.reason));
  engine.tracker.on('dropped', (report) => settle(report.hits, report.reason));
  return {
    deliver(hits: Hit[]) {
      const run = createJobRun(hits.length);
      for (const hit of hits) owner.set(hit, run);
      engine.relay(hits);
      return run.done;
    },
  };
}

/** One line for the end of `footfall worker`. */
export function workerSummary(stats: WorkerStats): string {
  const { jobs, hits } = stats;
  return `footfall worker: ${hits.delivered} hits delivered, ${hits.failed} failed for good, ${hits.retried} sent back for a later try; jobs: ${jobs.completed} completed, ${jobs.failed} failed, ${jobs.retried} retried, ${jobs.handedBack} handed back at stop`;
}
