import { GA4_LIMITS } from '../protocols/ga4/limits.js';
import { MP_BATCH_LIMITS } from '../protocols/ga4/mp-batch-limits.js';
import { UA_LIMITS } from '../protocols/ua/limits.js';

/** One ingest path: which protocol, whether it stores, which methods and content types it takes. */
export interface IngestRoute {
  readonly protocol: 'ga4' | 'ua';
  /** Debug paths answer the validator's result and store nothing (and never misbehave). */
  readonly debug: boolean;
  /** Many payloads per request: UA's `/batch` (lines), Footfall's own GA4 `/mp/batch` (a JSON array). */
  readonly batch: boolean;
  readonly methods: readonly string[];
  /** Largest body read; beyond it the answer is 413. */
  readonly maxBodyBytes: number;
}

const DEBUG_MAX_BYTES = 1_048_576;
const GA4_TYPES = ['application/json', 'text/plain'];
const UA_TYPES = ['application/x-www-form-urlencoded', 'text/plain'];

/**
 * The Measurement Protocol paths, GA4 and UA v1, and Footfall's GA4 batch. They match under any host, so a tracker
 * pointed at `http://127.0.0.1:8787` (FOOTFALL_ENDPOINT) or at a regional-style URL lands here.
 */
export const INGEST_ROUTES: Readonly<Record<string, IngestRoute>> = {
  '/mp/collect': { protocol: 'ga4', debug: false, batch: false, methods: ['POST'], maxBodyBytes: GA4_LIMITS.maxBodyBytes },
  '/debug/mp/collect': { protocol: 'ga4', debug: true, batch: false, methods: ['POST'], maxBodyBytes: DEBUG_MAX_BYTES },
  // Footfall's own, not Google's: many consumers' /mp/collect payloads in one request.
  '/mp/batch': { protocol: 'ga4', debug: false, batch: true, methods: ['POST'], maxBodyBytes: MP_BATCH_LIMITS.maxBodyBytes },
  '/debug/mp/batch': { protocol: 'ga4', debug: true, batch: true, methods: ['POST'], maxBodyBytes: DEBUG_MAX_BYTES },
  '/collect': { protocol: 'ua', debug: false, batch: false, methods: ['GET', 'POST'], maxBodyBytes: UA_LIMITS.maxPayloadBytes },
  '/batch': { protocol: 'ua', debug: false, batch: true, methods: ['POST'], maxBodyBytes: UA_LIMITS.maxBatchBytes },
  '/debug/collect': { protocol: 'ua', debug: true, batch: false, methods: ['GET', 'POST'], maxBodyBytes: DEBUG_MAX_BYTES },
  '/debug/batch': { protocol: 'ua', debug: true, batch: true, methods: ['POST'], maxBodyBytes: DEBUG_MAX_BYTES },
};

/** Undefined when the content type fits the protocol (or is absent), else the refusal text. */
export function checkContentType(route: IngestRoute, header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const type = (header.split(';')[0] ?? '').trim().toLowerCase();
  const allowed = route.protocol === 'ga4' ? GA4_TYPES : UA_TYPES;
  if (allowed.includes(type)) return undefined;
  return `content-type ${JSON.stringify(type)} is not accepted here; send ${allowed.join(' or ')}${route.protocol === 'ga4' ? ' (curl: -H "content-type: application/json")' : ''}`;
}
