import { FootfallError } from '../../errors.js';
import { createTracker, type Tracker } from '../../delivery/tracker.js';
import type { TrackInput } from '../../delivery/track-input.js';
import type { RequestHeaders } from '../../core/request-info.js';
import { collector } from '../../protocols/ga4/collector-destination.js';
import { ga4 } from '../../protocols/ga4/destination.js';
import { readFootfallEnv, type FootfallEnv, type RawEnv } from '../../internal/footfall-env.js';
import { warnOnce } from '../../warnings.js';
import { createMemo } from '../../core/memo.js';
import { templateFromPath } from '../../core/route.js';
import { splitUrl } from '../../core/url.js';
import { isHealthCheck, resolveAdapterOptions, type AdapterIdentity, type AdapterOptions } from './options.js';

/**
 * What an adapter knows when a response is done: the core's own RequestInfo, built by the
 * adapter as a fresh object per request (it is the one object `track()` queues; nothing copies
 * it). `route`: the matched template; null when the framework matched no route; undefined when
 * it cannot tell.
 */
export type Observed = TrackInput & { method: string; url: string; headers: RequestHeaders };

/** Status recorded for a request the client abandoned before the response was complete (nginx's). */
export const CLIENT_CLOSED_STATUS = 499;
/** Set `req[HEALTH_CHECK] = true` (or `ctx.state`, per adapter docs) to keep a request out of analytics. */
export const HEALTH_CHECK = Symbol.for('footfall.healthCheck');

export interface Recorder<Req> {
  /** True when this request should be recorded at all (skip and sampling), asked once at its start. */
  wants(req: Req, method: string): boolean;
  /** Tracks a finished request, unless it was a health check (judged on its page, which only now is known). `observed` becomes the queued hit: it must be the adapter's own fresh object. */
  record(req: Req, observed: Observed): void;
  readonly tracker: Tracker | undefined;
}

/**
 * The part every adapter shares: options validated once, the tracker (or one built from the
 * environment), skip and sampling, and recording that can never throw into the app.
 */
export function createRecorder<Req>(tracker: Tracker | undefined, options: AdapterOptions<Req> = {}, adapter?: AdapterIdentity, rawEnv: RawEnv = process.env): Recorder<Req> {
  const resolved = resolveAdapterOptions(options, adapter);
  const env = readFootfallEnv(rawEnv);
  const active = env.disabled ? undefined : (tracker ?? trackerFromEnv(env, options));
  const fail = () => warnOnce('FFWRN005');
  return {
    tracker: active,
    wants(req, method) {
      if (active === undefined) return false;
      try {
        const skip = resolved.skip !== undefined ? resolved.skip(req) : method === 'OPTIONS';
        if (skip) return false;
        return resolved.sampleRate >= 1 || resolved.random() < resolved.sampleRate;
      } catch {
        fail();
        return false;
      }
    },
    record(req, observed) {
      if (active === undefined) return;
      try {
        if (resolved.skip === undefined && ((req as Record<symbol, unknown>)[HEALTH_CHECK] === true || isHealthPage(pageOf(observed)))) return;
        // The adapter's object is the hit's only copy: what the recorder knows goes on it.
        const title = resolved.title?.(req);
        if (title !== undefined) observed.title = title;
        const userId = resolved.userId?.(req);
        if (userId !== undefined) observed.userId = userId;
        if (resolved.hitOptions !== undefined) observed.hitOptions = resolved.hitOptions;
        active.track(observed);
      } catch {
        fail();
      }
    },
  };
}

/** The page a request becomes: the framework's template, else its path with ids as `:id`. */
function pageOf(observed: Observed): string {
  return typeof observed.route === 'string' ? observed.route : templateFromPath(splitUrl(observed.url).path);
}

/** Health-check verdicts by page: an API has few templates, asked on every request. */
const healthVerdicts = createMemo<boolean>(1_000);

function isHealthPage(page: string): boolean {
  return healthVerdicts(page, judgeHealthPage);
}

function judgeHealthPage(page: string): boolean {
  return isHealthCheck(page, false);
}

/**
 * The zero-code path: GA4 from FOOTFALL_GA4_MEASUREMENT_ID and FOOTFALL_GA4_API_SECRET (sent
 * to FOOTFALL_ENDPOINT when it is set), else a Footfall collector at FOOTFALL_ENDPOINT alone
 * (FOOTFALL_GA4_API_SECRET, when set, is its --api-secret).
 */
function trackerFromEnv<Req>(env: FootfallEnv, options: AdapterOptions<Req>): Tracker {
  const { ga4MeasurementId: measurementId, ga4ApiSecret: apiSecret, endpoint } = env;
  const hitOptions = { query: options.query, canonicalHost: options.canonicalHost, trustProxy: options.trustProxy };
  if (measurementId !== undefined && apiSecret !== undefined) return createTracker({ destination: ga4({ measurementId, apiSecret }), ...hitOptions });
  if (endpoint !== undefined) return createTracker({ destination: collector(endpoint, { apiSecret }), ...hitOptions });
  throw new FootfallError('FOOTFALL_ERR_NO_TRACKER', 'none');
}
