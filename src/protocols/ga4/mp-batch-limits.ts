/**
 * Footfall's own `/mp/batch` (not Google's): one request carries many GA4 Measurement
 * Protocol payloads, so a collector serving hundreds of consumers is not paid one HTTP
 * request per consumer. The collector refuses a batch over these (413); `collector(url)` packs
 * its requests under them. Each payload keeps /mp/collect's own limits (130 000 bytes, 25 events).
 */
export const MP_BATCH_LIMITS = {
  /** Largest body: eight /mp/collect bodies at their limit, and still one quick SQLite write. */
  maxBodyBytes: 1_048_576,
  /** Most payloads (consumers) in one batch. */
  maxPayloads: 1_000,
  /** Most events in one batch, summed over its payloads: bounds one write transaction. */
  maxEvents: 5_000,
} as const;
