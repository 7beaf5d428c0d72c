import type { FailReason } from './events.js';
import type { RetryLayer } from './with-retry.js';
import type { EncodedRequest, WireFormat } from './wire-format.js';
import type { FailureReason } from './transport.js';

/** One encoded request on its way, with what the books need when it settles. */
export interface Job {
  readonly request: EncodedRequest;
  /** Its share of the queue's estimated bytes. */
  readonly bytes: number;
  /** The flush epoch of its oldest hit: `flush()` waits for the epochs up to its own. */
  readonly epoch: number;
}

/** How a job ended: one settled result per job. */
export type JobOutcome =
  | { readonly kind: 'sent'; readonly status: number; readonly attempts: number }
  | {
      readonly kind: 'failed';
      readonly reason: FailReason;
      readonly attempts: number;
      readonly lastError?: FailureReason | undefined;
      readonly status?: number | undefined;
      readonly validationMessages?: unknown[] | undefined;
    }
  /** The tracker closed before any attempt. */
  | { readonly kind: 'unsent' };

export interface Sender {
  send(job: Job): Promise<JobOutcome>;
  /** Hits and bytes held by jobs not yet settled, and how many jobs. */
  readonly hits: number;
  readonly bytes: number;
  readonly jobs: number;
}

/**
 * Hands each job to the transport stack (retry, concurrency, breaker, timeout) and turns its
 * last word into the job's outcome, reading a validation server's messages when there are any.
 */
export function createSender({ transport, format, timeoutMs, signal }: { transport: RetryLayer<EncodedRequest>; format: WireFormat; timeoutMs: number; signal: AbortSignal }): Sender {
  let hits = 0;
  let bytes = 0;
  let jobs = 0;
  const options = { timeoutMs, signal, readBody: format.readBody };
  return {
    send(job) {
      hits += job.request.hits.length;
      bytes += job.bytes;
      jobs++;
      return transport.send(job.request, options).then(({ result, attempts, lastError }): JobOutcome => {
        hits -= job.request.hits.length;
        bytes -= job.bytes;
        jobs--;
        if (result.kind === 'success') {
          const messages = format.validationMessages(result.body);
          if (messages.length === 0) return { kind: 'sent', status: result.status, attempts };
          return { kind: 'failed', reason: 'validation', attempts, status: result.status, validationMessages: messages };
        }
        if (result.kind === 'retryable') return { kind: 'failed', reason: 'retry_deadline', attempts, lastError: result.reason, status: result.status };
        if (result.reason === 'aborted') return attempts === 0 ? { kind: 'unsent' } : { kind: 'failed', reason: 'aborted', attempts, lastError };
        return { kind: 'failed', reason: result.reason === 'http_4xx' ? 'http_4xx' : 'http_other', attempts, lastError, status: result.status };
      });
    },
    get hits() {
      return hits;
    },
    get bytes() {
      return bytes;
    },
    get jobs() {
      return jobs;
    },
  };
}
