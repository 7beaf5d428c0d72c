import type { AttemptLayer } from './attempt-layer.js';
import type { BreakerState } from './breaker.js';
import type { Clock, TimerHandle } from './clock.js';
import type { OutgoingRequest, SendResult } from './transport.js';

/** No attempt delivered for this long (and the checks below) is "failing for a while". */
export const FAILING_AFTER_MS = 10_000;
/** ... with at least this many failed attempts meanwhile. */
const FAILING_MIN_ATTEMPTS = 3;

/** What the watch knows when it calls the destination failing. */
export interface FailingSummary {
  /** When the run of failures began, epoch ms on the tracker's clock. */
  readonly sinceMs: number;
  readonly attempts: number;
  /** The last failure: a reason, a status or an error code; never a URL. */
  readonly last: string;
}

export interface FailureWatch {
  /** Every attempt's result, as it comes back from the wire. */
  attempted(result: SendResult): void;
  stop(): void;
}

/**
 * Tells a destination that never accepts anything from ordinary flakiness. It is failing when
 * no attempt has succeeded for `FAILING_AFTER_MS` on the injected clock, at least three failed
 * meanwhile, and either the breaker is not closed (it judged an outage: refused, DNS, TLS,
 * timeouts, 5xx) or every one of those attempts was refused outright (a 4xx or 3xx, which the
 * breaker counts as "up"). Any success starts over. `onFailing` is called at most once.
 */
export function createFailureWatch({ clock, breakerState, onFailing }: { clock: Clock; breakerState: () => BreakerState; onFailing: (summary: FailingSummary) => void }): FailureWatch {
  let sinceMs: number | undefined;
  let attempts = 0;
  let refusedOnly = true;
  let last = '';
  let timer: TimerHandle | undefined;
  let done = false;

  const disarm = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };
  const check = () => {
    if (done || sinceMs === undefined) return;
    const failing = clock.now() - sinceMs >= FAILING_AFTER_MS && attempts >= FAILING_MIN_ATTEMPTS && (refusedOnly || breakerState() !== 'closed');
    if (!failing) return;
    done = true;
    disarm();
    onFailing({ sinceMs, attempts, last });
  };
  const arm = (atMs: number) => {
    disarm();
    timer = clock.setTimeout(() => {
      timer = undefined;
      check();
    }, atMs - clock.now());
  };

  return {
    attempted(result) {
      if (done) return;
      if (result.kind === 'success') {
        sinceMs = undefined;
        return disarm();
      }
      if (result.reason === 'aborted' || result.reason === 'http_429') return;
      if (sinceMs === undefined) {
        sinceMs = clock.now();
        attempts = 0;
        refusedOnly = true;
        arm(sinceMs + FAILING_AFTER_MS);
      }
      attempts++;
      refusedOnly &&= result.kind === 'failure';
      last = describeFailure(result);
      check();
    },
    stop() {
      done = true;
      disarm();
    },
  };
}

/** The reason, the status and an error code (`Error: ECONNREFUSED`); a free-form message is left out, as it might hold a URL. */
function describeFailure(result: Exclude<SendResult, { kind: 'success' }>): string {
  const parts: string[] = [result.reason];
  if (result.status !== undefined) parts.push(`status ${result.status}`);
  const code = result.error?.match(/^\w+: ([A-Z][A-Z0-9_]+)$/)?.[1];
  if (code !== undefined) parts.push(code);
  return parts.join(', ');
}

/** Shows every attempt's result to the watch on its way up; held and unsent attempts never went out. */
export function withFailureWatch<R extends OutgoingRequest>(inner: AttemptLayer<R>, watch: FailureWatch): AttemptLayer<R> {
  return {
    send: (request, options) =>
      inner.send(request, options).then((result) => {
        if (result.kind !== 'held' && result.kind !== 'unsent') watch.attempted(result);
        return result;
      }),
    close: (force) => inner.close(force),
  };
}
