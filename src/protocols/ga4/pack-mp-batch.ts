import type { Hit } from '../../core/hit.js';
import { utf8Length } from '../../internal/text.js';
import type { Ga4Request } from './encode.js';
import { MP_BATCH_LIMITS } from './mp-batch-limits.js';

/** One `/mp/batch` body and the hits it carries. */
export interface MpBatch {
  readonly body: string;
  readonly hits: readonly Hit[];
}

/**
 * Packs per-consumer GA4 bodies (from `encodeGa4`) into as few `/mp/batch` bodies as the
 * limits allow, in order. The bodies are joined as they are, never parsed or serialised again:
 * `[` + bodies.join(',') + `]`.
 */
export function packMpBatches(requests: readonly Ga4Request[], limits: { maxBodyBytes: number; maxPayloads: number; maxEvents: number } = MP_BATCH_LIMITS): MpBatch[] {
  const out: MpBatch[] = [];
  let bodies: string[] = [];
  let hits: Hit[] = [];
  // The brackets; each body adds its bytes and a comma (one too many, on the safe side).
  let bytes = 2;
  const finish = (): void => {
    if (bodies.length === 0) return;
    out.push({ body: `[${bodies.join(',')}]`, hits });
    bodies = [];
    hits = [];
    bytes = 2;
  };
  for (const request of requests) {
    const size = utf8Length(request.body) + 1;
    if (bodies.length >= limits.maxPayloads || bytes + size > limits.maxBodyBytes || hits.length + request.hits.length > limits.maxEvents) finish();
    bodies.push(request.body);
    for (const hit of request.hits) hits.push(hit);
    bytes += size;
  }
  finish();
  return out;
}
