/**
 * The one interface the tracker sends through, and the one place HTTP answers are
 * classified. A send returns a result, never throws (OpenTelemetry's export-response model).
 */
export interface OutgoingRequest {
  /** Full URL; may carry a secret in its query: never log it. */
  readonly url: string;
  readonly contentType: string;
  readonly body: string;
}

export type SendResult =
  | { readonly kind: 'success'; readonly status: number; readonly body?: string }
  | { readonly kind: 'retryable'; readonly reason: FailureReason; readonly status?: number; readonly retryAfterMs?: number; readonly error?: string }
  | { readonly kind: 'failure'; readonly reason: FailureReason; readonly status?: number; readonly error?: string };

export type FailureReason = 'http_4xx' | 'http_5xx' | 'http_429' | 'http_408' | 'http_other' | 'timeout' | 'network' | 'aborted';

/** What each attempt is given: its deadline, the tracker's close signal, and whether to read the answer's body. */
export interface SendOptions {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly readBody: boolean;
}

/**
 * Sends one attempt and says how it went. The tracker's own wrappers (retry, concurrency,
 * breaker, adaptive timeout) wrap one of these, as undici's interceptors wrap a dispatcher.
 */
export interface Transport<R extends OutgoingRequest = OutgoingRequest> {
  send(request: R, options: SendOptions): Promise<SendResult>;
  /** Closes idle connections; `force` also cuts requests in flight. */
  close(force: boolean): Promise<void>;
}

/**
 * Classifies an answer: 2xx success; 408, 429 and 5xx retryable (honouring Retry-After);
 * any other status a failure not worth repeating (Google: "do not retry the same request").
 */
export function classifyStatus(status: number, retryAfter: string | undefined, nowMs: number): SendResult {
  if (status >= 200 && status < 300) return { kind: 'success', status };
  const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
  const extra = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 408) return { kind: 'retryable', reason: 'http_408', status, ...extra };
  if (status === 429) return { kind: 'retryable', reason: 'http_429', status, ...extra };
  if (status >= 500 && status < 600) return { kind: 'retryable', reason: 'http_5xx', status, ...extra };
  return { kind: 'failure', reason: status >= 400 && status < 500 ? 'http_4xx' : 'http_other', status };
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. Capped at one hour. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d{1,9}$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

const MAX_RETRY_AFTER_MS = 3_600_000;
