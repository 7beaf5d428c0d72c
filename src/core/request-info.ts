/**
 * The adapter boundary: what an adapter (or a user, by hand) knows about one finished
 * request. Framework-neutral; every field but `method` and `url` is optional.
 */
export interface RequestInfo {
  /** HTTP method, any case. */
  method: string;
  /** The request URL: absolute (`https://api.example.com/v1/x?y=1`) or relative (`/v1/x?y=1`). */
  url: string;
  /**
   * The route template the framework matched, e.g. `/v1/users/:id`.
   * `null` means the framework matched no route (the request goes to the `(unmatched)` bucket);
   * `undefined` means unknown, and the template is derived from the path (IDs become `:id`).
   */
  route?: string | null | undefined;
  /** Response status code; 0 or absent when unknown. */
  status?: number | undefined;
  /** Time from the start of the request to the end of the response, in milliseconds. */
  durationMs?: number | undefined;
  /** When the request finished, epoch milliseconds; defaults to the injected clock's now. */
  timestampMs?: number | undefined;
  /** `'http'` or `'https'`, as the server saw it. */
  protocol?: string | undefined;
  /**
   * The client's address as the socket saw it (with a proxy in front: the proxy's); used only,
   * truncated, inside the anonymous client-id hash. Never sent. With `trustProxy`, the first
   * address of `headers.forwardedFor` is used instead.
   */
  clientIp?: string | undefined;
  /** The application's own id of the caller; hashed with the key before it leaves. */
  userId?: string | number | undefined;
  /** An explicit client id: `<digits>.<digits>` is kept, anything else is hashed. */
  clientId?: string | undefined;
  /**
   * This hit's id, 1 to 100 printable ASCII characters; the tracker stamps one at `track()`.
   * Give your own (a request id) to make re-tracking the same request idempotent at Footfall's collector.
   */
  hitId?: string | undefined;
  /** A title for this request; overrides the `title` option. */
  title?: string | undefined;
  /** Extra event parameters (names are sanitised for each protocol). */
  params?: Readonly<Record<string, string | number | boolean>> | undefined;
  headers?: RequestHeaders | undefined;
}

/** The only request headers Footfall reads. */
export interface RequestHeaders {
  userAgent?: string | undefined;
  referrer?: string | undefined;
  host?: string | undefined;
  /** `X-Forwarded-Proto`; used only with `trustProxy`. */
  forwardedProto?: string | undefined;
  /** `X-Forwarded-Host`; used only with `trustProxy`. */
  forwardedHost?: string | undefined;
  /** `X-Forwarded-For`; its first address is the client's, used only with `trustProxy`. */
  forwardedFor?: string | undefined;
}
