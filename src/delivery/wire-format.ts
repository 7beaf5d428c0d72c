import type { Hit } from '../core/hit.js';
import { encodeGa4 } from '../protocols/ga4/encode.js';
import { GA4_LIMITS } from '../protocols/ga4/limits.js';
import { encodeUa } from '../protocols/ua/encode.js';
import { UA_LIMITS } from '../protocols/ua/limits.js';
import type { Destination } from './options.js';
import type { OutgoingRequest } from './transport.js';

export interface EncodedRequest extends OutgoingRequest {
  readonly hits: readonly Hit[];
}

/** A destination's wire format, as the tracker uses it. */
export interface Protocol {
  /** Hits that fill one request: a drain starts early when this many are queued. */
  readonly batchSize: number;
  /** Hits with the same key may share a request (GA4: one client, user and user agent per request). */
  groupKey(hit: Hit): string;
  /** Read the answer's body (the GA4 validation server answers with messages). */
  readonly readBody: boolean;
  encode(hits: readonly Hit[], nowMs: number): { requests: EncodedRequest[]; stale: Hit[] };
  /** Validation messages in a successful answer's body, if any. */
  validationMessages(body: string | undefined): unknown[];
}

export function createProtocol(destination: Destination): Protocol {
  return destination.kind === 'ga4' ? ga4Protocol(destination) : uaProtocol(destination);
}

function ga4Protocol(destination: Extract<Destination, { kind: 'ga4' }>): Protocol {
  const url = destination.requestUrl();
  return {
    batchSize: GA4_LIMITS.maxEventsPerRequest,
    groupKey: (hit) => `${hit.clientId}\u0000${hit.userId ?? ''}\u0000${hit.userAgent ?? ''}`,
    readBody: destination.validate,
    encode(hits, nowMs) {
      const { requests, rejected } = encodeGa4(hits, { nowMs, debugMode: false });
      return {
        requests: requests.map((request) => ({ url, contentType: 'application/json', body: request.body, hits: request.hits })),
        stale: rejected.map((entry) => entry.hit),
      };
    },
    validationMessages(body) {
      if (!destination.validate || body === undefined) return [];
      try {
        const parsed = JSON.parse(body) as { validationMessages?: unknown };
        return Array.isArray(parsed.validationMessages) ? parsed.validationMessages : [];
      } catch {
        return [{ description: 'The validation server answered with a body that is not JSON.' }];
      }
    },
  };
}

function uaProtocol(destination: Extract<Destination, { kind: 'ua' }>): Protocol {
  return {
    batchSize: UA_LIMITS.maxHitsPerBatch,
    groupKey: () => '',
    readBody: false,
    encode(hits, nowMs) {
      const { requests, rejected } = encodeUa(hits, { trackingId: destination.trackingId, nowMs });
      return {
        requests: requests.map((request) => ({
          url: request.path === '/batch' ? destination.batchEndpoint : destination.endpoint,
          contentType: 'text/plain',
          body: request.body,
          hits: request.hits,
        })),
        stale: rejected.map((entry) => entry.hit),
      };
    },
    validationMessages: () => [],
  };
}
