import type { Hit } from '../core/hit.js';
import { encodeGa4Group, ga4GroupKey } from '../protocols/ga4/encode.js';
import { GA4_LIMITS } from '../protocols/ga4/limits.js';
import { encodeUa } from '../protocols/ua/encode.js';
import { UA_LIMITS } from '../protocols/ua/limits.js';
import { createMpBatchFormat } from './mp-batch-format.js';
import type { Destination } from './options.js';
import type { QueueDestination } from './queue-destination.js';
import type { OutgoingRequest } from './transport.js';

/** One HTTP request body on its way, and the hits it carries. */
export interface EncodedRequest extends OutgoingRequest {
  readonly hits: readonly Hit[];
}

/**
 * A destination's wire format, as the delivery engine uses it. The grouping rule is the
 * encoder's (GA4: one client, user and user agent per request); the batcher groups hits by
 * `groupKey` once, as they arrive, and hands each group to `encodeGroup` whole.
 */
export interface WireFormat {
  /** Hits that fill one request: a group this big is sent at once. */
  readonly batchSize: number;
  groupKey(hit: Hit): string;
  /** Encodes hits that share a group key: requests within the protocol's limits, and the hits too old to send. */
  encodeGroup(hits: readonly Hit[], nowMs: number): { requests: EncodedRequest[]; stale: Hit[] };
  /** Read the answer's body (the GA4 validation server answers with messages). */
  readonly readBody: boolean;
  /** Validation messages in a successful answer's body, if any. */
  validationMessages(body: string | undefined): unknown[];
}

export function createWireFormat(destination: Destination): WireFormat {
  if (destination.kind === 'ua') return uaFormat(destination);
  if (destination.kind === 'queue') return queueFormat(destination);
  const { batchEndpoint } = destination;
  return batchEndpoint === undefined ? ga4Format(destination) : createMpBatchFormat(destination, batchEndpoint);
}

function ga4Format(destination: Extract<Destination, { kind: 'ga4' }>): WireFormat {
  const url = destination.requestUrl();
  return {
    batchSize: GA4_LIMITS.maxEventsPerRequest,
    groupKey: ga4GroupKey,
    readBody: destination.validate,
    encodeGroup(hits, nowMs) {
      const { requests, rejected } = encodeGa4Group(hits, { nowMs });
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

function uaFormat(destination: Extract<Destination, { kind: 'ua' }>): WireFormat {
  return {
    batchSize: UA_LIMITS.maxHitsPerBatch,
    groupKey: () => '',
    readBody: false,
    encodeGroup(hits, nowMs) {
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

/**
 * Hits for a Redis queue: any consumers together, `hitsPerJob` to a job. The job carries the
 * built hits themselves (`hits`; the queue's transport hands them to BullMQ, which serialises
 * the job once), so `body` stays empty; the worker encodes them for its own destination.
 */
function queueFormat(destination: QueueDestination): WireFormat {
  const { hitsPerJob, endpoint } = destination;
  return {
    batchSize: hitsPerJob,
    groupKey: () => '',
    readBody: false,
    encodeGroup(hits) {
      const requests: EncodedRequest[] = [];
      for (let at = 0; at < hits.length; at += hitsPerJob) requests.push({ url: endpoint, contentType: 'application/json', body: '', hits: hits.slice(at, at + hitsPerJob) });
      return { requests, stale: [] };
    },
    validationMessages: () => [],
  };
}
