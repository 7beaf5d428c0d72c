/**
 * One access-log line as a format reads it: what it says of one request. Formats only parse;
 * privacy (IP, query values), route matching and consumer ids are applied after, in one place.
 */
export interface LogRecord {
  /** When the request happened, epoch ms (a format with a duration and an end time subtracts nothing: the logged time is kept). */
  readonly timeMs: number;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The request target as logged: a path, maybe with a query (its values are dropped later), or an absolute URL (ALB). */
  readonly target: string;
  readonly status?: number;
  readonly durationMs?: number;
  /** The client address as logged (IPv4 or IPv6): used for the consumer hash only, never stored. */
  readonly clientIp?: string;
  readonly userAgent?: string;
  readonly referer?: string;
  readonly host?: string;
  /** A user id from the line (JSON formats; nginx/Apache `$remote_user`), hashed like live traffic's. */
  readonly userId?: string;
  /**
   * The X-Forwarded-For header as logged (`$http_x_forwarded_for`): "client, proxy1, ...". Formats
   * pass it on as it is; whether to trust it over `clientIp` is decided after, in one place.
   */
  readonly forwardedFor?: string;
}

/** A line read: a record, or why it is malformed (said in the summary with its line number). */
export type ParsedLine = { readonly ok: true; readonly record: LogRecord } | { readonly ok: false; readonly reason: string };

/** One log format: a name (`combined`, `common`, `json`, `alb`, `nginx`) and a line parser. */
export interface LogFormat {
  readonly name: string;
  parse(line: string): ParsedLine;
}
