import { FootfallError, describeSecret, describeValue } from '../../errors.js';
import { optionKeys, refuseUnknownKeys } from '../../option-checks.js';
import { hideSecret } from '../endpoint.js';
import { ga4, type Ga4Destination } from './destination.js';

/** The measurement id sent to a Footfall collector, which needs one but no real one. */
export const COLLECTOR_MEASUREMENT_ID = 'G-FOOTFALL';
/** The `api_secret` sent when the collector was started without `--api-secret`. */
export const COLLECTOR_API_SECRET = 'footfall';

export interface CollectorDestinationOptions {
  /** The collector's `--api-secret`, when it was started with one. @default 'footfall' (any secret is accepted then) */
  apiSecret?: string | undefined;
  /**
   * Send many consumers per request to the collector's `/mp/batch` (Footfall's own endpoint,
   * beside its `/mp/collect`); `false` sends one consumer per request to `/mp/collect`, for
   * collectors older than it. @default true (false when `url` has a path other than `/mp/collect`)
   */
  batch?: boolean | undefined;
  /**
   * Hits keep their own time however old (a backfill: `footfall import --to URL`), where GA4
   * and the collector's `/mp/collect` move a time older than 72 hours to 72 hours ago. Only
   * with `/mp/batch`, which is asked with `timestamps=keep`. @default false
   */
  keepTimestamps?: boolean | undefined;
}

const KEYS = optionKeys<CollectorDestinationOptions>({ apiSecret: true, batch: true, keepTimestamps: true });

/**
 * A Footfall collector (`npx footfall collector`): GA4 Measurement Protocol payloads, no Google
 * ids needed, many consumers per request to its `/mp/batch` (GA4's `/mp/collect` takes one
 * client per request, whose fixed cost then dominates). `url` is its origin
 * (`http://127.0.0.1:8787`) or the full collect URL. FOOTFALL_ENDPOINT does not override it.
 */
export function collector(url: string, options: CollectorDestinationOptions = {}): Ga4Destination {
  if (typeof url !== 'string') throw new FootfallError('FOOTFALL_ERR_INVALID_ENDPOINT', describeValue(url));
  if (options === null || typeof options !== 'object') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object', describeValue(options));
  refuseUnknownKeys(options, KEYS, 'collector()');
  const apiSecret = options.apiSecret ?? COLLECTOR_API_SECRET;
  if (typeof apiSecret !== 'string' || apiSecret.length === 0 || /\s/.test(apiSecret)) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'apiSecret', 'the collector\'s --api-secret: a non-empty string without whitespace', describeSecret(apiSecret));
  }
  const batch = options.batch;
  if (batch !== undefined && typeof batch !== 'boolean') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'batch', 'true or false', describeValue(batch));
  const keepTimestamps = options.keepTimestamps;
  if (keepTimestamps !== undefined && typeof keepTimestamps !== 'boolean') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'keepTimestamps', 'true or false', describeValue(keepTimestamps));
  if (keepTimestamps === true && batch === false) throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'keepTimestamps', 'left out with { batch: false } (old timestamps are kept by /mp/batch only)', 'true');
  const single = ga4({ measurementId: COLLECTOR_MEASUREMENT_ID, apiSecret, endpoint: url });
  if (batch === false) return single;
  const batchEndpoint = batchEndpointOf(single.endpoint);
  if (batchEndpoint === undefined) {
    // A URL with some other path (`FOOTFALL_ENDPOINT=http://host/ingest`, given to adapters
    // with no tracker) names no /mp/batch: it keeps one consumer per request, unless asked.
    if (batch === undefined && keepTimestamps !== true) return single;
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'batch', `false (or left out) when the URL is not the collector's origin or its /mp/collect, beside which its /mp/batch is`, `true with the path ${describeValue(new URL(single.endpoint).pathname)}`);
  }
  const destination = keepTimestamps === true ? { ...single, batchEndpoint, keepTimestamps } : { ...single, batchEndpoint };
  hideSecret(destination, 'apiSecret', apiSecret);
  return Object.freeze(destination) as Ga4Destination;
}

/** `/mp/batch` beside the collect path (`/debug/mp/batch` beside `/debug/mp/collect`), or undefined when the path is not one. */
function batchEndpointOf(endpoint: string): string | undefined {
  const url = new URL(endpoint);
  if (!url.pathname.endsWith('/mp/collect')) return undefined;
  url.pathname = `${url.pathname.slice(0, -'collect'.length)}batch`;
  return url.toString();
}
