import { FootfallError, describeValue } from '../../errors.js';
import { optionKeys, refuseUnknownKeys } from '../../option-checks.js';
import { parseEndpoint } from '../endpoint.js';

export interface UaDestinationOptions {
  /** Universal Analytics tracking id, `UA-12345-1`. */
  trackingId: string;
  /** Full URL of a compatible collector's `/collect`. @default 'https://www.google-analytics.com/collect' */
  endpoint?: string | undefined;
}

/** A validated, frozen Universal Analytics (Measurement Protocol v1) destination. */
export interface UaDestination {
  readonly kind: 'ua';
  readonly trackingId: string;
  /** URL for single hits. */
  readonly endpoint: string;
  /** URL for batches of up to 20 hits. */
  readonly batchEndpoint: string;
  /** True when `endpoint` was given (FOOTFALL_ENDPOINT then does not override it). */
  readonly customEndpoint: boolean;
}

const UA_KEYS = optionKeys<UaDestinationOptions>({ trackingId: true, endpoint: true });

/**
 * Universal Analytics, the seed's protocol. Google stopped processing UA hits in July 2023;
 * it is kept for the seed's system and for collectors that still speak it (Footfall's own).
 */
export function ua(options: UaDestinationOptions): UaDestination {
  if (options !== null && typeof options === 'object') refuseUnknownKeys(options, UA_KEYS, 'ua()');
  const { trackingId, endpoint } = options ?? ({} as UaDestinationOptions);
  if (typeof trackingId !== 'string' || !/^UA-\d+-\d+$/.test(trackingId)) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_TRACKING_ID', describeValue(trackingId));
  }
  const url = parseEndpoint(endpoint ?? 'https://www.google-analytics.com/collect', '/collect');
  url.search = '';
  const single = url.toString();
  const batch = single.endsWith('/collect') ? `${single.slice(0, -'/collect'.length)}/batch` : `${single.replace(/\/$/, '')}/batch`;
  return Object.freeze({ kind: 'ua', trackingId, endpoint: single, batchEndpoint: batch, customEndpoint: endpoint !== undefined });
}
