/** The BullMQ job name of a batch of hits. */
export const JOB_NAME = 'hits';
/** The backoff type workers know (src/queue/worker.ts gives its strategy). */
export const BACKOFF_TYPE = 'footfall';
/** How often a job may be tried before it stays in the failed set (with a capped backoff: about 45 minutes of outage). */
export const JOB_ATTEMPTS = 50;
/** Longest wait between two tries of a job. */
export const MAX_JOB_BACKOFF_MS = 60_000;

/** Options of every job a web process adds: completed jobs leave Redis, failed ones stay for `footfall worker --retry-failed`. */
export const JOB_OPTIONS = Object.freeze({
  attempts: JOB_ATTEMPTS,
  backoff: { type: BACKOFF_TYPE },
  removeOnComplete: true,
  removeOnFail: false,
});

/** The wait before try `attemptsMade + 1`: 1 s doubling to at most a minute, each with jitter. */
export function jobBackoffMs(attemptsMade: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_JOB_BACKOFF_MS, 1_000 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}
