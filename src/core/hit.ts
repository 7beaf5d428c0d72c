/**
 * One analytics hit: a finished API request, already redacted and pseudonymised, in a
 * protocol-neutral form. Protocol encoders (GA4, UA, ...) turn hits into wire payloads.
 */
export interface Hit {
  /** Stable id of this hit (see hit-id.ts): the same on every retry, so a collector stores it once. */
  readonly hitId: string;
  /** Pseudonymous consumer id, `<digits>.<digits>` (the form GA accepts). */
  readonly clientId: string;
  /** Keyed hash (32 hex characters) of the application's user id, when known. */
  readonly userId?: string;
  /** Session id: the session's start in epoch seconds, per client, 30 min idle timeout. */
  readonly sessionId: number;
  /** When the request finished, epoch milliseconds. */
  readonly timestampMs: number;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The route template, or `(unmatched)`. Never a raw path with ids in it. */
  readonly route: string;
  /** Response status, 0 when unknown. */
  readonly status: number;
  /** Request duration in milliseconds (>= 0, three decimals at most). */
  readonly durationMs: number;
  /** `http` or `https`. */
  readonly protocol: string;
  /** Host name with a non-default port, e.g. `api.example.com` (a loopback host without its port). */
  readonly host: string;
  /** Route path plus the redacted query, percent-encoded, e.g. `/v1/users/:id?fields`. */
  readonly path: string;
  /** The absolute page URL: protocol, host and `path`. */
  readonly location: string;
  /** Page title, e.g. `GET /v1/users/:id`. */
  readonly title: string;
  /** Redacted referrer, when there is one. */
  readonly referrer?: string;
  /** The caller's user agent, when allowed. */
  readonly userAgent?: string;
  /** Extra event parameters, as given (protocols sanitise names and cut values). */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
}

/** The one page every request that matched no route is counted under. */
export const UNMATCHED_ROUTE = '(unmatched)';
