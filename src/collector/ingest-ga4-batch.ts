import { utf8Length } from '../internal/text.js';
import { GA4_LIMITS } from '../protocols/ga4/limits.js';
import { MP_BATCH_LIMITS } from '../protocols/ga4/mp-batch-limits.js';
import { validateGa4, type Ga4ValidationMessage, type Ga4ValidationResult } from '../protocols/ga4/validate.js';
import { addLeniency, noLeniency } from './ga4-lenient.js';
import { checkGa4Ids, type Ga4IngestContext, ingestGa4Payload } from './ingest-ga4.js';
import type { IngestResult } from './ingest-result.js';
import { decodeUtf8, refuse } from './ingest-result.js';
import { jsonErrorOffset } from './json-error-position.js';
import { splitJsonArray } from './split-json-array.js';
import type { IncomingHit } from './types.js';

const FORMAT = 'send a JSON array of GA4 Measurement Protocol payloads, each as /mp/collect takes it: [{"client_id":"…","events":[…]}, …]';

/**
 * Turns one `/mp/batch` body (Footfall's own: a JSON array of `/mp/collect` payloads, many
 * consumers in one request) into hits. Each payload is read by /mp/collect's own rules
 * (`ingestGa4Payload`); the batch is all or nothing, like one /mp/collect request: one payload
 * refused refuses it whole, naming the payload's index. Limits in MP_BATCH_LIMITS (413 over them).
 */
export function ingestGa4Batch(body: Uint8Array, query: URLSearchParams, context: Ga4IngestContext): IngestResult {
  const idProblem = checkGa4Ids(query, context.apiSecret);
  if (idProblem !== undefined) return idProblem;
  if (body.byteLength > MP_BATCH_LIMITS.maxBodyBytes) {
    return refuse(413, `body is ${body.byteLength} bytes; /mp/batch takes at most ${MP_BATCH_LIMITS.maxBodyBytes} bytes: send fewer payloads per batch`);
  }
  const text = decodeUtf8(body);
  if (text === undefined) return refuse(400, 'body is not valid UTF-8: send the batch as UTF-8 JSON');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return refuse(400, `body is not JSON (it stops being JSON at offset ${jsonErrorOffset(text)}): ${FORMAT}`);
  }
  if (!Array.isArray(parsed)) return refuse(400, `body is not a JSON array: ${FORMAT}`);
  if (parsed.length === 0) return refuse(400, `the batch is empty: ${FORMAT}`);
  if (parsed.length > MP_BATCH_LIMITS.maxPayloads) {
    return refuse(413, `the batch has ${parsed.length} payloads; /mp/batch takes at most ${MP_BATCH_LIMITS.maxPayloads}: split it`);
  }
  const events = parsed.reduce((sum: number, payload: unknown) => sum + eventCount(payload), 0);
  if (events > MP_BATCH_LIMITS.maxEvents) {
    return refuse(413, `the batch has ${events} events; /mp/batch takes at most ${MP_BATCH_LIMITS.maxEvents}: split it`);
  }
  const texts = splitJsonArray(text);
  // `footfall import --to URL` backfills: its hits keep their own time, however old (see docs/import.md).
  const keepOldTimestamps = query.get('timestamps') === 'keep';
  const hits: IncomingHit[] = [];
  const leniency = noLeniency();
  for (const [index, payload] of texts.entries()) {
    const bytes = utf8Length(payload);
    if (bytes > GA4_LIMITS.maxBodyBytes) {
      return refuse(413, `payload ${index} is ${bytes} bytes; each payload takes at most ${GA4_LIMITS.maxBodyBytes} bytes, as on /mp/collect: send fewer events in it`, { payload: index });
    }
    const result = ingestGa4Payload(payload, context.nowMs, parsed[index], keepOldTimestamps);
    if (!result.ok) return refuse(result.status, `payload ${index} (of ${texts.length}): ${result.error}; nothing in the batch was stored`, { payload: index, ...detailsOf(result.details) });
    for (const hit of result.hits) hits.push(hit);
    if (result.leniency !== undefined) addLeniency(leniency, result.leniency);
  }
  return { ok: true, hits, leniency };
}

function eventCount(payload: unknown): number {
  if (payload === null || typeof payload !== 'object') return 0;
  const { events } = payload as { events?: unknown };
  return Array.isArray(events) ? events.length : 0;
}

function detailsOf(details: unknown): object {
  return details !== null && typeof details === 'object' ? details : {};
}

/**
 * `/debug/mp/batch`: each payload validated as `/debug/mp/collect` would, in one list of
 * messages whose field paths start with the payload's index (`[2].events[0].name`). Never throws.
 */
export function validateGa4Batch(body: Uint8Array, nowMs: number): Ga4ValidationResult {
  const text = decodeUtf8(body);
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (text === undefined || !Array.isArray(parsed)) {
    return { validationMessages: [{ fieldPath: '', description: `The body is not a JSON array: ${FORMAT}.`, validationCode: 'VALUE_INVALID' }] };
  }
  const messages: Ga4ValidationMessage[] = [];
  if (parsed.length > MP_BATCH_LIMITS.maxPayloads) {
    messages.push({ fieldPath: '', description: `The batch has ${parsed.length} payloads; the limit is ${MP_BATCH_LIMITS.maxPayloads}.`, validationCode: 'VALUE_OUT_OF_BOUNDS' });
  }
  for (const [index, payload] of splitJsonArray(text).entries()) {
    for (const message of validateGa4(payload, { nowMs, behavior: 'payload' }).validationMessages) {
      messages.push({ ...message, fieldPath: message.fieldPath === '' ? `[${index}]` : `[${index}].${message.fieldPath}` });
    }
  }
  return { validationMessages: messages };
}
