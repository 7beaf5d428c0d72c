/**
 * Delay before retry number `attempt` (1 for the first retry): exponential from `baseMs`,
 * capped at `maxMs`, with full jitter in its upper half; a server's Retry-After wins when
 * longer. Pure: `random` is injected.
 */
export function backoffMs(attempt: number, options: { baseMs: number; maxMs: number; random: () => number; retryAfterMs?: number | undefined }): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + (exponential / 2) * options.random();
  return Math.max(Math.round(jittered), options.retryAfterMs ?? 0);
}
