import { FootfallError, describeSecret, describeValue } from '../../errors.js';
import { optionKeys, refuseUnknownKeys } from '../../option-checks.js';
import { ga4, type Ga4Destination } from './destination.js';

/** The measurement id sent to a Footfall collector, which needs one but no real one. */
export const COLLECTOR_MEASUREMENT_ID = 'G-FOOTFALL';
/** The `api_secret` sent when the collector was started without `--api-secret`. */
export const COLLECTOR_API_SECRET = 'footfall';

export interface CollectorDestinationOptions {
  /** The collector's `--api-secret`, when it was started with one. @default 'footfall' (any secret is accepted then) */
  apiSecret?: string | undefined;
}

const KEYS = optionKeys<CollectorDestinationOptions>({ apiSecret: true });

/**
 * A Footfall collector (`npx footfall collector`): GA4 Measurement Protocol to its
 * `/mp/collect`, no Google ids needed. `url` is its origin (`http://127.0.0.1:8787`) or the
 * full collect URL. FOOTFALL_ENDPOINT does not override it.
 */
export function collector(url: string, options: CollectorDestinationOptions = {}): Ga4Destination {
  if (typeof url !== 'string') throw new FootfallError('FOOTFALL_ERR_INVALID_ENDPOINT', describeValue(url));
  if (options === null || typeof options !== 'object') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object', describeValue(options));
  refuseUnknownKeys(options, KEYS, 'collector()');
  const apiSecret = options.apiSecret ?? COLLECTOR_API_SECRET;
  if (typeof apiSecret !== 'string' || apiSecret.length === 0 || /\s/.test(apiSecret)) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'apiSecret', 'the collector\'s --api-secret: a non-empty string without whitespace', describeSecret(apiSecret));
  }
  return ga4({ measurementId: COLLECTOR_MEASUREMENT_ID, apiSecret, endpoint: url });
}
