import type { AttemptLayer } from './attempt-layer.js';
import type { AttemptVerdict, Breaker } from './breaker.js';
import type { OutgoingRequest, SendResult } from './transport.js';

/**
 * Lets an attempt through only when the breaker admits it; an attempt held back is answered at
 * once with how long to wait (the retry layer keeps it meanwhile). Every answer is recorded,
 * and a Retry-After pauses all attempts.
 */
export function withBreaker<R extends OutgoingRequest>(inner: AttemptLayer<R>, breaker: Breaker): AttemptLayer<R> {
  return {
    send(request, options) {
      const admission = breaker.admit();
      if (admission.kind === 'wait') return Promise.resolve({ kind: 'held', waitMs: admission.waitMs });
      const probe = admission.kind === 'probe';
      return inner.send(request, options).then((result) => {
        if (result.kind === 'held' || result.kind === 'unsent') {
          if (probe) breaker.record('neutral', true);
          return result;
        }
        breaker.record(verdictOf(result), probe);
        if (result.kind === 'retryable' && result.retryAfterMs !== undefined) breaker.pause(result.retryAfterMs);
        return result;
      });
    },
    close: (force) => inner.close(force),
  };
}

/**
 * What an answer says about the destination being up: any HTTP answer but 408 and 5xx says
 * it is; a 429 says nothing (it is up and asks to slow down); no answer at all says it is not.
 */
export function verdictOf(result: SendResult): AttemptVerdict {
  if (result.kind === 'success') return 'success';
  if (result.reason === 'aborted' || result.reason === 'http_429') return 'neutral';
  if (result.kind === 'failure') return 'success';
  return 'failure';
}
