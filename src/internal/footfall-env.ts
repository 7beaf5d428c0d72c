import { detectTestRunner, type RunnerEnv, type TestRunner } from './test-runner.js';

/** The variables read; `process.env` is one. */
export interface RawEnv extends RunnerEnv {
  readonly FOOTFALL_DISABLED?: string | undefined;
  readonly FOOTFALL_HASH_KEY?: string | undefined;
  readonly FOOTFALL_ENDPOINT?: string | undefined;
  readonly FOOTFALL_GA4_MEASUREMENT_ID?: string | undefined;
  readonly FOOTFALL_GA4_API_SECRET?: string | undefined;
  readonly FOOTFALL_REDIS_URL?: string | undefined;
}

/**
 * Every environment variable the library reads (the tracker, the adapters, the hit options),
 * read here and only here, so each has one meaning everywhere. An empty variable
 * (`FOOTFALL_ENDPOINT=` in a .env file) is an unset one. The CLI's flags have their own table
 * (src/cli), which falls back to the same names.
 */
export interface FootfallEnv {
  /** FOOTFALL_DISABLED=1: adapters record nothing. */
  readonly disabled: boolean;
  readonly hashKey: string | undefined;
  /** Where a tracker sends when its destination names no endpoint of its own. */
  readonly endpoint: string | undefined;
  readonly ga4MeasurementId: string | undefined;
  readonly ga4ApiSecret: string | undefined;
  /** The Redis that `queue()` and `startWorker` use when given no `redisUrl` (footfall/queue). */
  readonly redisUrl: string | undefined;
  /** The test runner this process runs under, if any. */
  readonly testRunner: TestRunner | undefined;
}

export function readFootfallEnv(env: RawEnv = process.env): FootfallEnv {
  return {
    disabled: env.FOOTFALL_DISABLED === '1',
    hashKey: set(env.FOOTFALL_HASH_KEY),
    endpoint: set(env.FOOTFALL_ENDPOINT),
    ga4MeasurementId: set(env.FOOTFALL_GA4_MEASUREMENT_ID),
    ga4ApiSecret: set(env.FOOTFALL_GA4_API_SECRET),
    redisUrl: set(env.FOOTFALL_REDIS_URL),
    testRunner: detectTestRunner(env),
  };
}

function set(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
