import { encodeGa4 } from '../protocols/ga4/encode.js';
import { ga4RequestUrl, type Ga4Destination } from '../protocols/ga4/destination.js';
import { packMpBatches } from '../protocols/ga4/pack-mp-batch.js';
import type { WireFormat } from './wire-format.js';

/**
 * Hits in one batch: a few hundred consumers' worth per request at the usual one or two hits
 * each, and well under `/mp/batch`'s limits (1 MiB, 1 000 payloads, 5 000 events) at the
 * usual few hundred bytes per event; heavier hits are split by `packMpBatches`.
 */
export const MP_BATCH_SIZE = 500;

/**
 * The wire format of a Footfall collector's `/mp/batch`: one group for every hit (the batcher
 * does not split by consumer); each group is encoded per consumer as GA4 wants
 * (`encodeGa4` groups by client, user and user agent) and those bodies are packed into as few
 * batch requests as the limits allow.
 */
export function createMpBatchFormat(destination: Ga4Destination, batchEndpoint: string): WireFormat {
  const keepOldTimestamps = destination.keepTimestamps === true;
  const url = `${ga4RequestUrl(batchEndpoint, destination.measurementId, destination.apiSecret)}${keepOldTimestamps ? '&timestamps=keep' : ''}`;
  return {
    batchSize: MP_BATCH_SIZE,
    groupKey: () => '',
    readBody: false,
    encodeGroup(hits, nowMs) {
      const { requests, rejected } = encodeGa4(hits, { nowMs, keepOldTimestamps });
      return {
        requests: packMpBatches(requests).map((batch) => ({ url, contentType: 'application/json', body: batch.body, hits: batch.hits })),
        stale: rejected.map((entry) => entry.hit),
      };
    },
    validationMessages: () => [],
  };
}
