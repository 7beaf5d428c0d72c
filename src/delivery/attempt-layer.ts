import type { OutgoingRequest, SendOptions, SendResult, Transport } from './transport.js';

/**
 * What the wrappers below the retry layer answer: a transport's result, or one of two answers
 * that mean the request never went on the wire: `held` (the breaker or a Retry-After says
 * wait) and `unsent` (the tracker closed while it waited for a slot).
 */
export type AttemptResult = SendResult | { readonly kind: 'held'; readonly waitMs: number } | { readonly kind: 'unsent' };

/** A transport wrapper between the retry layer and the wire. */
export interface AttemptLayer<R extends OutgoingRequest> {
  send(request: R, options: SendOptions): Promise<AttemptResult>;
  close(force: boolean): Promise<void>;
}

export const ABORTED: SendResult = { kind: 'failure', reason: 'aborted', error: 'tracker closed' };
export const UNSENT: AttemptResult = { kind: 'unsent' };

/**
 * Calls a transport that may be the user's: whatever it throws or rejects with is a retryable
 * network failure, and once the tracker's signal aborts the attempt is over, even if the
 * transport ignores the signal. One abort listener for all the attempts in flight, not one each.
 */
export function createSafeSend(): <R extends OutgoingRequest>(transport: Transport<R>, request: R, options: SendOptions) => Promise<SendResult> {
  const open = new Set<(result: SendResult) => void>();
  const watch = createAbortWatch(() => {
    for (const resolve of [...open]) resolve(ABORTED);
  });
  return (transport, request, options) => {
    const { signal } = options;
    if (signal.aborted) return Promise.resolve(ABORTED);
    let sent: Promise<SendResult>;
    try {
      sent = transport.send(request, options);
    } catch (error) {
      return Promise.resolve(networkFailure(error));
    }
    watch(signal);
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        open.delete(finish);
        resolve(result);
      };
      open.add(finish);
      Promise.resolve(sent).then(
        (result) => finish(isSendResult(result) ? result : networkFailure(`the transport answered ${typeof result}`)),
        (error: unknown) => finish(networkFailure(error)),
      );
    });
  };
}

function networkFailure(error: unknown): SendResult {
  return { kind: 'retryable', reason: 'network', error: error instanceof Error ? error.message : String(error) };
}

function isSendResult(value: unknown): value is SendResult {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'success' || kind === 'retryable' || kind === 'failure';
}

/** Runs `fn` once when `signal` aborts, however many requests share the signal: one listener per signal and layer. */
export function createAbortWatch(fn: () => void): (signal: AbortSignal) => void {
  const watched = new WeakSet<AbortSignal>();
  return (signal) => {
    if (watched.has(signal)) return;
    watched.add(signal);
    signal.addEventListener('abort', fn, { once: true });
  };
}
