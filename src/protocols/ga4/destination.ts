import { FootfallError, describeSecret, describeValue } from '../../errors.js';
import { optionKeys, refuseUnknownKeys } from '../../option-checks.js';
import { hideSecret, parseEndpoint } from '../endpoint.js';

export interface Ga4DestinationOptions {
  /** The web stream's measurement id, `G-XXXXXXXXXX`. */
  measurementId: string;
  /** A Measurement Protocol API secret of that stream. Never logged. */
  apiSecret: string;
  /** Send somewhere else (a local Footfall collector, a server-side GTM): full URL of its `/mp/collect`. @default Google's, by `region` */
  endpoint?: string | undefined;
  /** `'eu'` collects through region1.google-analytics.com. Ignored when `endpoint` is set. @default 'global' */
  region?: 'global' | 'eu' | undefined;
  /** Send to the validation server (`/debug/mp/collect`) and report its messages. @default false */
  validate?: boolean | undefined;
}

/** A validated, frozen GA4 destination. `apiSecret` is present but hidden from JSON and inspect. */
export interface Ga4Destination {
  readonly kind: 'ga4';
  readonly measurementId: string;
  readonly apiSecret: string;
  /** The collect URL without query (no secret in it). */
  readonly endpoint: string;
  readonly validate: boolean;
  /** True when `endpoint` was given (FOOTFALL_ENDPOINT then does not override it). */
  readonly customEndpoint: boolean;
  /** The URL to POST to, with `measurement_id` and `api_secret`. Never log it. */
  requestUrl(): string;
  /**
   * Footfall's own `/mp/batch` URL without query, when the destination is a Footfall collector
   * taking many consumers per request (`collector(url)`; absent with `{ batch: false }` and
   * for `ga4()`): hits then go there instead of `endpoint`, with the same query.
   */
  readonly batchEndpoint?: string;
  /** With `batchEndpoint`: hits keep their own time however old (`collector(url, { keepTimestamps: true })`, a backfill). */
  readonly keepTimestamps?: boolean;
}

const REGION_ENDPOINTS = {
  global: 'https://www.google-analytics.com/mp/collect',
  eu: 'https://region1.google-analytics.com/mp/collect',
} as const;

const GA4_KEYS = optionKeys<Ga4DestinationOptions>({ measurementId: true, apiSecret: true, endpoint: true, region: true, validate: true });

/** Describes where GA4 hits go; validates every option at once and throws a FootfallError. */
export function ga4(options: Ga4DestinationOptions): Ga4Destination {
  if (options !== null && typeof options === 'object') refuseUnknownKeys(options, GA4_KEYS, 'ga4()');
  const { measurementId, apiSecret, region = 'global', validate = false } = options ?? ({} as Ga4DestinationOptions);
  if (typeof measurementId !== 'string' || !/^G-[A-Z0-9]{4,20}$/.test(measurementId)) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_MEASUREMENT_ID', describeValue(measurementId));
  }
  if (typeof apiSecret !== 'string' || apiSecret.length === 0 || /\s/.test(apiSecret)) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_API_SECRET', describeSecret(apiSecret));
  }
  if (region !== 'global' && region !== 'eu') {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'region', '"global" or "eu"', describeValue(region));
  }
  if (typeof validate !== 'boolean') {
    throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'validate', 'true or false', describeValue(validate));
  }
  const url = parseEndpoint(options.endpoint ?? REGION_ENDPOINTS[region], '/mp/collect');
  url.search = '';
  if (validate) url.pathname = debugPath(url.pathname);
  const endpoint = url.toString();
  const destination = {
    kind: 'ga4' as const,
    measurementId,
    endpoint,
    validate,
    customEndpoint: options.endpoint !== undefined,
    requestUrl: () => ga4RequestUrl(endpoint, measurementId, apiSecret),
  };
  hideSecret(destination, 'apiSecret', apiSecret);
  return Object.freeze(destination) as Ga4Destination;
}

/** A GA4 collect (or batch) URL with its ids in the query. Never log it: the secret is in it. */
export function ga4RequestUrl(endpoint: string, measurementId: string, apiSecret: string): string {
  return `${endpoint}?measurement_id=${encodeURIComponent(measurementId)}&api_secret=${encodeURIComponent(apiSecret)}`;
}

function debugPath(path: string): string {
  if (path.endsWith('/debug/mp/collect')) return path;
  return path.endsWith('/mp/collect') ? `${path.slice(0, -'/mp/collect'.length)}/debug/mp/collect` : `${path.replace(/\/$/, '')}/debug/mp/collect`;
}
