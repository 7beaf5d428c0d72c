import { GA4_LIMITS, GA4_LONG_PARAMS } from '../protocols/ga4/limits.js';
import { eventRules, PARAM_RULES } from '../protocols/ga4/validate-events.js';
import { checkName, isObject } from '../protocols/ga4/validate-shared.js';

/** What the collect endpoint changed in a request to keep it, as Google's RELAXED default does. */
export interface Leniency {
  /** Values cut to their limit (a 301-character `page_title` to 300, a parameter to 100, `user_id` to 256); RELAXED only. */
  cutValues: number;
  /** Parameters left out: invalid or reserved names, values that are neither string, number nor boolean, those past the 25th; with ENFORCE_RECOMMENDATIONS also over-limit and boolean values. */
  droppedParams: number;
  /** Events left out: invalid or reserved names; with ENFORCE_RECOMMENDATIONS also those with a timestamp outside the last 72 hours. */
  droppedEvents: number;
  /** Timestamps older than 72 hours moved to 72 hours before receipt; unreadable or future ones replaced by the receipt time. */
  rewrittenTimestamps: number;
}

export function noLeniency(): Leniency {
  return { cutValues: 0, droppedParams: 0, droppedEvents: 0, rewrittenTimestamps: 0 };
}

/** Adds `more` into `total`. */
export function addLeniency(total: Leniency, more: Leniency): void {
  total.cutValues += more.cutValues;
  total.droppedParams += more.droppedParams;
  total.droppedEvents += more.droppedEvents;
  total.rewrittenTimestamps += more.rewrittenTimestamps;
}

export interface LenientEvent {
  readonly name: string;
  readonly timeMs: number;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface LenientRequest {
  readonly client: string;
  readonly userId?: string;
  readonly events: readonly LenientEvent[];
  readonly leniency: Leniency;
}

interface Relaxing {
  readonly nowMs: number;
  /** ENFORCE_RECOMMENDATIONS: over-limit and wrongly typed values are dropped, not cut; events out of the 72-hour window are dropped, not moved. */
  readonly enforce: boolean;
  /** Footfall's own backfill (`/mp/batch?timestamps=keep`): a timestamp older than 72 hours is kept as it is. */
  readonly keepOld: boolean;
  readonly leniency: Leniency;
}

/**
 * The events Google's collect endpoint would process from a well-formed body (see
 * ingest-ga4.ts for what is refused), and what was changed to keep them: RELAXED cuts
 * over-limit values and moves old timestamps; ENFORCE_RECOMMENDATIONS drops them instead.
 */
export function relaxGa4(body: Record<string, unknown>, nowMs: number, keepOldTimestamps = false): LenientRequest {
  const how: Relaxing = { nowMs, enforce: body.validation_behavior === 'ENFORCE_RECOMMENDATIONS', keepOld: keepOldTimestamps, leniency: noLeniency() };
  const client = typeof body.client_id === 'string' && body.client_id !== '' ? body.client_id : String(body.app_instance_id);
  const requestMs = resolveTime(body.timestamp_micros, nowMs, how);
  const rules = eventRules(typeof body.client_id === 'string');
  const events: LenientEvent[] = [];
  for (const event of body.events as unknown[]) {
    const named = isObject(event) && typeof event.name === 'string' && checkName(event.name, rules, '', '', []) ? event : undefined;
    const timeMs = named === undefined ? undefined : resolveTime(named.timestamp_micros, requestMs, how);
    if (named === undefined || timeMs === undefined) how.leniency.droppedEvents++;
    else events.push({ name: String(named.name), timeMs, params: relaxParams(named.params, how) });
  }
  const userId = relaxUserId(body.user_id, how);
  const { leniency } = how;
  return userId === undefined ? { client, events, leniency } : { client, userId, events, leniency };
}

/**
 * Google's precedence (own timestamp, the request's, receipt). RELAXED moves a timestamp older
 * than 72 hours to 72 hours before receipt, and reads an unreadable or future one as the
 * receipt time; ENFORCE_RECOMMENDATIONS rejects the event (undefined).
 */
function resolveTime(value: unknown, fallbackMs: number | undefined, how: Relaxing): number | undefined {
  if (value === undefined) return fallbackMs;
  const { nowMs } = how;
  const micros = typeof value === 'string' && /^\d{1,20}$/.test(value) ? Number(value) : value;
  const ms = typeof micros === 'number' && Number.isInteger(micros) && micros >= 0 ? Math.floor(micros / 1000) : Number.NaN;
  if (ms >= nowMs - GA4_LIMITS.maxAgeMs && ms <= nowMs + GA4_LIMITS.maxFutureSkewMs) return ms;
  if (how.keepOld && ms < nowMs) return ms;
  if (how.enforce) return undefined;
  how.leniency.rewrittenTimestamps++;
  return ms < nowMs - GA4_LIMITS.maxAgeMs ? nowMs - GA4_LIMITS.maxAgeMs : nowMs;
}

function relaxParams(params: unknown, how: Relaxing): Record<string, unknown> {
  const { leniency } = how;
  if (params === undefined) return {};
  if (!isObject(params)) {
    leniency.droppedParams++;
    return {};
  }
  const kept: Record<string, unknown> = {};
  let count = 0;
  for (const [name, value] of Object.entries(params)) {
    const relaxed = relaxValue(name, value, how);
    if (relaxed === undefined || count >= GA4_LIMITS.maxParamsPerEvent) {
      leniency.droppedParams++;
      continue;
    }
    kept[name] = relaxed;
    count++;
  }
  return kept;
}

/** The value kept for a parameter (cut when over its limit), or undefined when it is dropped. */
function relaxValue(name: string, value: unknown, how: Relaxing): unknown {
  if (!checkName(name, PARAM_RULES, '', '', [])) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return how.enforce && name !== 'debug_mode' ? undefined : value;
  if (name === 'items') return Array.isArray(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  // A hit id is an identity: cut, two ids could become one, so a long one is dropped instead.
  if (name === 'hit_id' && value.length > GA4_LIMITS.maxParamValueChars) return undefined;
  return cut(value, GA4_LONG_PARAMS[name] ?? GA4_LIMITS.maxParamValueChars, how);
}

function relaxUserId(userId: unknown, how: Relaxing): string | undefined {
  if (userId === undefined) return undefined;
  const kept = typeof userId === 'string' && userId !== '' ? cut(userId, GA4_LIMITS.maxUserIdChars, how) : undefined;
  if (kept === undefined) how.leniency.droppedParams++;
  return kept;
}

/** A value within its limit; over it, cut (RELAXED) or undefined, to be dropped (ENFORCE_RECOMMENDATIONS). */
function cut(value: string, max: number, how: Relaxing): string | undefined {
  if (value.length <= max) return value;
  if (how.enforce) return undefined;
  how.leniency.cutValues++;
  return value.slice(0, max);
}
