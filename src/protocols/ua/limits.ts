/**
 * Universal Analytics Measurement Protocol v1 rules, kept as data. Sources: Google's v1
 * reference, "Batching hits" and the parameter reference (see ../shared/notes/protocols.md, 2).
 */
export const UA_LIMITS = {
  maxHitsPerBatch: 20,
  /** All payloads of one `/batch` body together (the body, newlines included, is counted). */
  maxBatchBytes: 16_384,
  /** One URI-encoded hit payload. */
  maxPayloadBytes: 8_192,
  /** Hits queued longer than this (`qt`, ms) may not be processed: 4 hours. */
  maxQueueTimeMs: 4 * 60 * 60 * 1000,
} as const;

/** Longest value, in UTF-8 bytes before URI encoding, of the parameters that have a limit. */
export const UA_PARAM_MAX_BYTES: Readonly<Record<string, number>> = {
  dl: 2048,
  dh: 100,
  dp: 2048,
  dt: 1500,
  dr: 2048,
};

export const UA_HIT_TYPES: ReadonlySet<string> = new Set([
  'pageview', 'screenview', 'event', 'transaction', 'item', 'social', 'exception', 'timing',
]);

export const UA_TRACKING_ID_PATTERN = /^UA-\d+-\d+$/;

/** Parameters shortened, in this order, when an encoded payload is over `maxPayloadBytes`. */
export const UA_SHORTEN_ORDER = ['ua', 'dr', 'dt', 'dl'] as const;
