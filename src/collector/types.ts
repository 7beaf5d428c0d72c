/**
 * The collector's shared shapes: what ingestion produces, what the store keeps, and what
 * the query API (and `footfall report`) answers. The server, the store, the dashboard and
 * the report all speak these.
 */

/** One received hit, normalised from a GA4 event or a UA v1 hit, ready to store. */
export interface IncomingHit {
  /** When the request happened, epoch ms (GA4 `timestamp_micros`, or UA receipt time minus `qt`). */
  readonly timeMs: number;
  /** Which wire protocol brought it. */
  readonly protocol: 'ga4' | 'ua';
  /** Upper-case HTTP method of the API request (`GET` when the protocol does not say). */
  readonly method: string;
  /** Route template, e.g. `/v1/users/:id`, or `(unmatched)`. */
  readonly route: string;
  /** Response status of the API request, when the hit carries it. */
  readonly status?: number;
  /** Duration of the API request in ms, when the hit carries it. */
  readonly durationMs?: number;
  /** The consumer: GA4 `client_id` / UA `cid`. */
  readonly client: string;
  /** Keyed hash of the app's user id (`user_id` / `uid`), when sent. */
  readonly userId?: string;
  /** Page title, e.g. `GET /v1/users/:id`. */
  readonly title?: string;
  /** Host of the API, from `page_location` / `dh`. */
  readonly host?: string;
  /** GA4 event name, or UA hit type (`pageview`). */
  readonly eventName: string;
  /** The tracker's stable id of the hit (GA4 `hit_id`, UA `z` in Footfall's form): stored once per client. */
  readonly hitId?: string;
}

/** A stored hit, as `GET /api/hits` returns it (newest first). */
export interface StoredHit extends IncomingHit {
  readonly id: number;
  /** When the collector received it, epoch ms. */
  readonly receivedMs: number;
}

/** An endpoint the application declares (from `listRoutes(app)`, an OpenAPI file or a JSON list). */
export interface DeclaredRoute {
  /** Upper-case method, or `ALL` for any method. */
  readonly method: string;
  /** Route template in Footfall's form: `/users/:id` (OpenAPI `{id}` is converted). */
  readonly route: string;
}

/** A time range, epoch ms, `since` inclusive and `until` exclusive; either may be open. */
export interface TimeRange {
  readonly sinceMs?: number;
  readonly untilMs?: number;
}

/** One row of `GET /api/endpoints` and of `footfall report`. */
export interface EndpointSummary {
  readonly method: string;
  readonly route: string;
  readonly hits: number;
  /** Distinct consumers (client ids) in the range. */
  readonly clients: number;
  /** Hits answered 5xx. */
  readonly serverErrors: number;
  /** Hits answered 4xx. */
  readonly clientErrors: number;
  /** serverErrors / hits with a known status (0 when none is known). */
  readonly errorRate: number;
  /** Median and 95th percentile duration in ms (null when no hit carried a duration). */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  /** First and last hit in the range, epoch ms. */
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** True when the route is in the declared inventory. */
  readonly declared: boolean;
}

/** The answer of `GET /api/endpoints`. */
export interface EndpointsReport {
  readonly range: TimeRange;
  readonly endpoints: readonly EndpointSummary[];
  /** Declared routes with no hit in the range. */
  readonly unused: readonly DeclaredRoute[];
  /** Distinct consumers over all endpoints in the range. */
  readonly clients: number;
  readonly hits: number;
  /** How many declared routes there are (0 when no inventory was given). */
  readonly declared: number;
  /** Present once raw hits were pruned (retention): see RawDetail. */
  readonly rawDetail?: RawDetail;
}

/**
 * Where a report stands against retention. Raw hits are complete from `sinceMs` on (a whole
 * hour); before it the figures come from the hourly and daily rollups, which answer whole hours
 * exactly (hits, statuses, consumers, percentiles, first and last seen).
 */
export interface RawDetail {
  readonly sinceMs: number;
  /**
   * The range starts or ends before `sinceMs` inside an hour: those minutes needed raw hits,
   * and count nothing, so the figures may be short of the truth. False for ranges on whole hours.
   */
  readonly partial: boolean;
}

/** One series of `GET /api/timeseries`: hit counts per bucket for one endpoint. */
export interface TimeSeries {
  readonly method: string;
  readonly route: string;
  /** Bucket starts, epoch ms, ascending, and the hit count of each. */
  readonly points: readonly (readonly [bucketStartMs: number, hits: number])[];
}

export interface TimeSeriesQuery extends TimeRange {
  /** Bucket width in ms (>= 1000). */
  readonly bucketMs: number;
  /** Only this route (any method unless `method` is given). */
  readonly route?: string;
  readonly method?: string;
}
