import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Destination } from '../../delivery/options.js';
import { isFootfallError } from '../../errors.js';
import { collector } from '../../protocols/ga4/collector-destination.js';
import { ga4 } from '../../protocols/ga4/destination.js';
import { ua } from '../../protocols/ua/destination.js';
// Types only: the queue module loads bullmq and ioredis (optional peers), so it is imported
// when `footfall worker` runs, never when another command does.
import type * as QueueModule from '../../queue/index.js';
import { DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_CONCURRENCY, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_PREFIX, DEFAULT_QUEUE_NAME, QUEUE_NAME, QUEUE_NAME_EXPECTED } from '../../queue/defaults.js';
import { parseRedisUrl, type RedisTarget } from '../../queue/redis-url.js';
import { parseWhole } from '../collector-flags.js';
import type { CliIo } from '../run.js';
import { EXIT } from '../run.js';
import { MEASUREMENT_ID, checkTo, nonEmpty, parseTrackingId } from '../target-flags.js';
import { usageFailure } from '../usage.js';
import { waitForSignal } from '../wait-for-stop.js';

interface WorkerFlags {
  redis?: string;
  to?: string;
  measurementId?: string;
  apiSecret?: string;
  trackingId?: string;
  region: 'global' | 'eu';
  name: string;
  prefix: string;
  concurrency?: number;
  closeTimeoutMs?: number;
  connectTimeoutMs?: number;
  statsIntervalMs?: number;
  retryFailed?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;
type Fail = (message: string) => never;


/**
 * `footfall worker`: consumes the Redis queue that web processes fill with `queue()` and
 * delivers the hits (GA4, a Footfall collector, or UA to a collector) until SIGINT/SIGTERM;
 * then it delivers what it holds within --close-timeout-ms, hands the rest back to the queue
 * and prints a one-line summary. `--retry-failed` puts the failed set back and exits.
 */
export function registerWorker(program: Command, io: CliIo, state: { code: number }): void {
  program
    .command('worker')
    .description('consume the Redis queue that queue() fills (footfall/queue) and deliver its hits to --to a collector or to GA4')
    .option('--redis <url>', 'the Redis server, redis://[:password@]host:port[/db] or rediss:// (default: $FOOTFALL_REDIS_URL); the password is never printed')
    .option('--to <url>', 'deliver to this Footfall collector (many consumers per request to its /mp/batch), e.g. http://127.0.0.1:8787')
    .option('--measurement-id <id>', 'GA4 measurement id, G-XXXXXXXXXX (default: $FOOTFALL_GA4_MEASUREMENT_ID); with --to, send GA4 requests to that URL one consumer at a time')
    .option('--api-secret <secret>', 'GA4 Measurement Protocol API secret, or the --to collector\'s --api-secret; never printed (default: $FOOTFALL_GA4_API_SECRET)')
    .addOption(new Option('--region <region>', 'Google collection region: eu sends through region1.google-analytics.com').choices(['global', 'eu']).default('global'))
    .option('--tracking-id <id>', 'deliver as Universal Analytics v1 with this id, to --to (a Footfall collector)', parseTrackingId)
    .option('--name <name>', 'the queue\'s name, as the web processes\' queue({ name })', parseQueueName, DEFAULT_QUEUE_NAME)
    .option('--prefix <prefix>', 'the queue\'s Redis key prefix, as queue({ prefix })', parseQueueName, DEFAULT_PREFIX)
    .option('--concurrency <n>', `jobs worked on at once (default ${DEFAULT_CONCURRENCY})`, parseWhole(1_000, 'jobs', 1))
    .option('--close-timeout-ms <ms>', `on stop, how long to deliver what this worker holds before handing the rest back to the queue (default ${DEFAULT_CLOSE_TIMEOUT_MS})`, parseWhole(3_600_000, 'milliseconds'))
    .option('--connect-timeout-ms <ms>', `how long to wait for Redis to answer at the start (default ${DEFAULT_CONNECT_TIMEOUT_MS})`, parseWhole(600_000, 'milliseconds', 1))
    .option('--stats-interval-ms <ms>', 'print a one-line progress summary this often (default: only at the end)', parseWhole(86_400_000, 'milliseconds', 100))
    .option('--retry-failed', 'put every job of the failed set back in the queue, print how many, and exit (no destination needed)')
    .action(async (flags: WorkerFlags, cmd: Command) => {
      state.code = await runWorkerCommand(flags, io, usageFailure(cmd));
    });
}

async function runWorkerCommand(flags: WorkerFlags, io: CliIo, fail: Fail): Promise<number> {
  const redis = resolveRedis(flags, io.env, fail);
  const queueName = `${flags.prefix}:${flags.name}`;
  if (flags.retryFailed === true) {
    const { retryFailedJobs } = await loadQueueModule();
    const count = await retryFailedJobs({ redisUrl: redis.url, name: flags.name, prefix: flags.prefix, ...defined('connectTimeoutMs', flags.connectTimeoutMs) });
    io.stdout(`footfall worker: ${count} failed job${count === 1 ? '' : 's'} put back in the queue ${queueName} at ${redis.label}\n`);
    return EXIT.ok;
  }
  const destination = resolveDestination(flags, io.env, fail);
  const { startWorker, workerSummary } = await loadQueueModule();
  const worker = await startWorker({
    destination,
    redisUrl: redis.url,
    name: flags.name,
    prefix: flags.prefix,
    ...defined('concurrency', flags.concurrency),
    ...defined('closeTimeoutMs', flags.closeTimeoutMs),
    ...defined('connectTimeoutMs', flags.connectTimeoutMs),
  });
  io.stdout(`footfall worker: consuming the queue ${queueName} at ${redis.label}, delivering to ${describeDestination(destination)} (concurrency ${flags.concurrency ?? DEFAULT_CONCURRENCY}); Ctrl-C or SIGTERM stops\n`);
  const progress = flags.statsIntervalMs === undefined ? undefined : setInterval(() => io.stdout(`${workerSummary(worker.stats())}\n`), flags.statsIntervalMs);
  progress?.unref();
  try {
    await (io.untilStopped ?? waitForSignal)();
  } finally {
    clearInterval(progress);
  }
  io.stdout(`footfall worker: stopping: delivering what it holds within ${flags.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS} ms, the rest goes back to the queue (a second signal ends it at once)\n`);
  const stats = await worker.close();
  io.stdout(`${workerSummary(stats)}\n`);
  return EXIT.ok;
}

/** --redis, else FOOTFALL_REDIS_URL; a bad one is a usage error naming where it came from, without its password. */
function resolveRedis(flags: WorkerFlags, env: Env, fail: Fail): RedisTarget {
  const fromEnv = nonEmpty(env.FOOTFALL_REDIS_URL);
  const value = flags.redis ?? fromEnv;
  if (value === undefined) fail('missing --redis URL (or FOOTFALL_REDIS_URL): the Redis server the web processes\' queue() writes to, e.g. redis://127.0.0.1:6379');
  try {
    return parseRedisUrl(value);
  } catch (error) {
    if (!isFootfallError(error)) throw error;
    // The error's own text says `redisUrl` (the API's name) and shows the URL without its password.
    const text = error.message.slice(0, error.message.length - error.hint.length).trim().replace(/\.$/, '');
    return fail(text.replace('`redisUrl`', flags.redis === undefined ? 'FOOTFALL_REDIS_URL' : '--redis'));
  }
}

/**
 * Where hits go: `--to` alone is a Footfall collector (`collector()`, batched); `--to` with
 * `--tracking-id` is UA v1 to it; `--to` with `--measurement-id` is GA4 to that URL; without
 * `--to`, GA4 (Google) with the measurement id and API secret from flags or environment.
 */
function resolveDestination(flags: WorkerFlags, env: Env, fail: Fail): Destination {
  const apiSecret = flags.apiSecret ?? nonEmpty(env.FOOTFALL_GA4_API_SECRET);
  const secretSource = flags.apiSecret === undefined ? 'FOOTFALL_GA4_API_SECRET' : '--api-secret';
  if (apiSecret !== undefined && (apiSecret.length === 0 || /\s/.test(apiSecret))) fail(`${secretSource} must be a non-empty API secret without spaces (the value is not shown)`);
  if (flags.trackingId !== undefined) {
    if (flags.to === undefined) fail('--tracking-id (Universal Analytics) needs --to URL, a Footfall collector: Google stopped processing Universal Analytics hits on 1 July 2023');
    if (flags.measurementId !== undefined || flags.apiSecret !== undefined) fail('--tracking-id (Universal Analytics) goes without --measurement-id and --api-secret (GA4)');
    return ua({ trackingId: flags.trackingId, endpoint: checkTo(flags.to, '/collect', fail) });
  }
  if (flags.to !== undefined) {
    const endpoint = checkTo(flags.to, '/mp/collect', fail);
    if (flags.measurementId === undefined) return collector(endpoint, apiSecret === undefined ? {} : { apiSecret });
    checkMeasurementId(flags.measurementId, '--measurement-id', fail);
    return ga4({ measurementId: flags.measurementId, apiSecret: apiSecret ?? 'footfall', endpoint });
  }
  const measurementId = flags.measurementId ?? nonEmpty(env.FOOTFALL_GA4_MEASUREMENT_ID);
  if (measurementId === undefined && apiSecret === undefined) {
    fail('missing a destination: --to URL (a Footfall collector), or --measurement-id and --api-secret (GA4; or FOOTFALL_GA4_MEASUREMENT_ID and FOOTFALL_GA4_API_SECRET), or --to URL --tracking-id UA-... (Universal Analytics)');
  }
  if (measurementId === undefined) fail('missing --measurement-id (or FOOTFALL_GA4_MEASUREMENT_ID): the web stream\'s measurement id, G-XXXXXXXXXX; or pass --to URL to deliver to a collector');
  if (apiSecret === undefined) fail('missing --api-secret (or FOOTFALL_GA4_API_SECRET): create one under GA4 Admin > Data streams > your stream > Measurement Protocol API secrets');
  checkMeasurementId(measurementId, flags.measurementId === undefined ? 'FOOTFALL_GA4_MEASUREMENT_ID' : '--measurement-id', fail);
  return ga4({ measurementId, apiSecret, region: flags.region });
}

/** The endpoint, never the secret (destinations keep it out of `endpoint`). */
function describeDestination(destination: Destination): string {
  if (destination.kind === 'ua') return `${destination.endpoint} (Universal Analytics, ${destination.trackingId})`;
  if (destination.kind !== 'ga4') return destination.endpoint;
  const batch = destination.batchEndpoint;
  return batch === undefined ? `${destination.endpoint} (GA4, ${destination.measurementId})` : `${batch} (a Footfall collector)`;
}

function checkMeasurementId(value: string, source: string, fail: Fail): void {
  if (!MEASUREMENT_ID.test(value)) fail(`${source} must be a GA4 measurement id like G-XXXXXXXXXX (not the stream id, not a UA- id), got "${value}"`);
}

/** As queue() checks `name` and `prefix` (BullMQ keys are `<prefix>:<name>:...`). */
function parseQueueName(value: string): string {
  if (QUEUE_NAME.test(value)) return value;
  throw new InvalidArgumentError(`expected ${QUEUE_NAME_EXPECTED}, got "${value}".`);
}

async function loadQueueModule(): Promise<typeof QueueModule> {
  try {
    return await import('../../queue/index.js');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' && /bullmq|ioredis/.test(String((error as Error).message))) {
      throw new Error('footfall worker needs bullmq and ioredis, optional peer dependencies of Footfall: npm install bullmq ioredis', { cause: error });
    }
    throw error;
  }
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
