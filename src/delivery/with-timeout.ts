import type { AttemptLayer } from './attempt-layer.js';
import { createSafeSend } from './attempt-layer.js';
import type { Clock } from './clock.js';
import type { TimeoutEstimator } from './timeout-estimator.js';
import type { OutgoingRequest, Transport } from './transport.js';

export interface TimeoutLayer<R extends OutgoingRequest> extends AttemptLayer<R> {
  /** Attempts that ran out of time: each may have reached the destination (a possible duplicate). */
  readonly timedOut: number;
  /** The deadline the next attempt gets. */
  readonly timeoutMs: number;
}

/** The innermost wrapper: gives each attempt the estimator's deadline and feeds it what came back. */
export function withTimeout<R extends OutgoingRequest>(transport: Transport<R>, estimator: TimeoutEstimator, clock: Clock): TimeoutLayer<R> {
  let timedOut = 0;
  const sendSafely = createSafeSend();
  return {
    send(request, options) {
      const timeoutMs = Math.min(options.timeoutMs, estimator.timeoutMs);
      const round = estimator.round;
      const startedMs = clock.now();
      return sendSafely(transport, request, { ...options, timeoutMs }).then((result) => {
        if (result.kind === 'success' || result.status !== undefined) estimator.answered(clock.now() - startedMs);
        else if (result.reason === 'timeout') {
          timedOut++;
          estimator.timedOut(round);
        }
        return result;
      });
    },
    close: (force) => transport.close(force),
    get timedOut() {
      return timedOut;
    },
    get timeoutMs() {
      return estimator.timeoutMs;
    },
  };
}
