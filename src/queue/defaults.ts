/**
 * Queue mode's defaults and naming rule, in a module that loads neither bullmq nor ioredis: the
 * CLI shows them in `footfall worker --help` without loading the queue.
 */
export const DEFAULT_QUEUE_NAME = 'footfall';
/** BullMQ's own default, so its dashboards find the queue. */
export const DEFAULT_PREFIX = 'bull';
export const DEFAULT_HITS_PER_JOB = 250;
/** Jobs a worker works on at once. */
export const DEFAULT_CONCURRENCY = 32;
/** How long a start waits for Redis to answer. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** A worker's close(): what is not delivered by then goes back to the queue. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/** BullMQ keys are `<prefix>:<name>:...`: no colon in either, nothing exotic. */
export const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
export const QUEUE_NAME_EXPECTED = '1 to 100 letters, digits, "_", "." or "-" (no ":")';
