import { GA4_LIMITS, GA4_LONG_PARAMS } from '../protocols/ga4/limits.js';
import { eventRules, PARAM_RULES } from '../protocols/ga4/validate-events.js';
import { checkName, isObject } from '../protocols/ga4/validate-shared.js';

/** What the collect endpoint changed in a request to keep it, as Google's RELAXED default does. */
export interface Leniency {
  /** Values cut to their limit (a 301-character `page_title` to 300, a parameter to 100, `user_id` to 256). */
  cutValues: number;
  /** Parameters left out: invalid or reserved names, values that are neither string, number nor boolean, those past the 25th. */
  droppedParams: number;
  /** Events left out: invalid or reserved names; with ENFORCE_RECOMMENDATIONS also those the validation server rejects. */
  droppedEvents: number;
  /** Timestamps older than 72 hours moved to 72 hours before receipt; unreadable or future ones replaced by the receipt time. */
  rewrittenTimestamps: number;
}

export function noLeniency(): Leniency {
  return { cutValues: 0, droppedParams: 0, droppedEvents: 0, rewrittenTimestamps: 0 };
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

/**
 * The events Google would process from a well-formed body, with over-limit values cut and
 * invalid parameters dropped (RELAXED). `rejected` holds the indexes of events the validation
 * server rejects under ENFORCE_RECOMMENDATIONS, left out and counted here as Google does.
 */
export function relaxGa4(body: Record<string, unknown>, nowMs: number, rejected: ReadonlySet<number>): LenientRequest {
  const leniency = noLeniency();
  const client = typeof body.client_id === 'string' && body.client_id !== '' ? body.client_id : String(body.app_instance_id);
  const requestMs = resolveTime(body.timestamp_micros, nowMs, nowMs, leniency);
  const rules = eventRules(typeof body.client_id === 'string');
  const events: LenientEvent[] = [];
  (body.events as unknown[]).forEach((event, index) => {
    if (rejected.has(index) || !isObject(event) || typeof event.name !== 'string' || !checkName(event.name, rules, '', '', [])) {
      leniency.droppedEvents++;
      return;
    }
    const timeMs = resolveTime(event.timestamp_micros, requestMs, nowMs, leniency);
    events.push({ name: event.name, timeMs, params: relaxParams(event.params, leniency) });
  });
  const userId = relaxUserId(body.user_id, leniency);
  return userId === undefined ? { client, events, leniency } : { client, userId, events, leniency };
}

/** Google's precedence (own timestamp, the request's, receipt) with RELAXED's rewrite of old ones. */
function resolveTime(value: unknown, fallbackMs: number, nowMs: number, leniency: Leniency): number {
  if (value === undefined) return fallbackMs;
  const micros = typeof value === 'string' && /^\d{1,20}$/.test(value) ? Number(value) : value;
  if (typeof micros !== 'number' || !Number.isInteger(micros) || micros < 0) {
    leniency.rewrittenTimestamps++;
    return nowMs;
  }
  const ms = Math.floor(micros / 1000);
  if (ms < nowMs - GA4_LIMITS.maxAgeMs) {
    leniency.rewrittenTimestamps++;
    return nowMs - GA4_LIMITS.maxAgeMs;
  }
  if (ms > nowMs + GA4_LIMITS.maxFutureSkewMs) {
    leniency.rewrittenTimestamps++;
    return nowMs;
  }
  return ms;
}

function relaxParams(params: unknown, leniency: Leniency): Record<string, unknown> {
  if (params === undefined) return {};
  if (!isObject(params)) {
    leniency.droppedParams++;
    return {};
  }
  const kept: Record<string, unknown> = {};
  let count = 0;
  for (const [name, value] of Object.entries(params)) {
    const relaxed = relaxValue(name, value, leniency);
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
function relaxValue(name: string, value: unknown, leniency: Leniency): unknown {
  if (!checkName(name, PARAM_RULES, '', '', [])) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  if (name === 'items') return Array.isArray(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  // A hit id is an identity: cut, two ids could become one, so a long one is dropped instead.
  if (name === 'hit_id' && value.length > GA4_LIMITS.maxParamValueChars) return undefined;
  return cut(value, GA4_LONG_PARAMS[name] ?? GA4_LIMITS.maxParamValueChars, leniency);
}

function relaxUserId(userId: unknown, leniency: Leniency): string | undefined {
  if (userId === undefined) return undefined;
  if (typeof userId !== 'string' || userId === '') {
    leniency.droppedParams++;
    return undefined;
  }
  return cut(userId, GA4_LIMITS.maxUserIdChars, leniency);
}

function cut(value: string, max: number, leniency: Leniency): string {
  if (value.length <= max) return value;
  leniency.cutValues++;
  return value.slice(0, max);
}
