/**
 * footfall/queue: hits through Redis (BullMQ) for fleets. `queue()` is a destination for
 * createTracker in each web process; `startWorker()` (or `footfall worker`) delivers the jobs.
 * bullmq and ioredis, optional peer dependencies, are loaded by this entry only.
 */
export { queue, type QueueOptions } from './destination.js';
export { DEFAULT_HITS_PER_JOB, DEFAULT_PREFIX, DEFAULT_QUEUE_NAME } from './defaults.js';
export { startWorker, workerSummary, type FootfallWorker, type WorkerOptions, type WorkerStats } from './worker.js';
export { retryFailedJobs } from './retry-failed.js';
export type { QueueDestination } from '../delivery/queue-destination.js';
export { readQueueJob, QUEUE_JOB_VERSION, MAX_HITS_PER_JOB, type QueueJobData } from '../protocols/queue/job.js';
