import { InvalidArgumentError, Option, type Command } from 'commander';
import { ga4 } from '../protocols/ga4/destination.js';
import { parseEndpoint } from '../protocols/endpoint.js';
import { ua } from '../protocols/ua/destination.js';
import { parseWhole } from './collector-flags.js';
import { maskUrl } from './redact.js';

/** Where one hit goes: `--to` a collector, or Google with a measurement id and API secret. */
export interface TargetFlags {
  to?: string;
  measurementId?: string;
  apiSecret?: string;
  region: 'global' | 'eu';
  timeoutMs: number;
}

/** Resolved URLs. `collectUrl` and `debugUrl` may hold the API secret: print them through maskUrl only. */
export interface Target {
  collectUrl: string;
  debugUrl: string;
  /** True when the hit goes to Google (no `--to`). */
  google: boolean;
  measurementId?: string;
  /** Values never to print. */
  secrets: string[];
}

type Env = Readonly<Record<string, string | undefined>>;
type Fail = (message: string) => never;

/** Stand-ins sent to a `--to` collector when no ids are given; a Footfall collector takes any. */
export const PLACEHOLDER_IDS = { measurementId: 'G-FOOTFALLCLI', apiSecret: 'footfall-cli', trackingId: 'UA-000000-1' } as const;
export const MEASUREMENT_ID = /^G-[A-Z0-9]{4,20}$/;
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Adds --to, --measurement-id, --api-secret, --region and --timeout-ms. */
export function addTargetFlags(command: Command): Command {
  return command
    .option('--to <url>', 'send to this collector instead of Google: a bare origin (http://127.0.0.1:8787) or the full collect URL')
    .option('--measurement-id <id>', 'GA4 measurement id, G-XXXXXXXXXX (default: $FOOTFALL_GA4_MEASUREMENT_ID)')
    .option('--api-secret <secret>', 'GA4 Measurement Protocol API secret, never printed (default: $FOOTFALL_GA4_API_SECRET)')
    .addOption(new Option('--region <region>', 'Google collection region: eu sends through region1.google-analytics.com').choices(['global', 'eu']).default('global'))
    .option('--timeout-ms <ms>', 'give up on the HTTP request after this long', parseWhole(600_000, 'milliseconds'), DEFAULT_TIMEOUT_MS);
}

/**
 * Resolves where a GA4 hit goes. To Google both ids are needed (flags or environment); to a
 * `--to` collector they default to placeholders unless `needIds`. Bad values fail as usage
 * errors naming the flag (or variable), never showing the secret.
 */
export function resolveGa4Target(flags: TargetFlags, env: Env, fail: Fail, needIds = false): Target {
  const measurementId = flags.measurementId ?? nonEmpty(env.FOOTFALL_GA4_MEASUREMENT_ID);
  const apiSecret = flags.apiSecret ?? nonEmpty(env.FOOTFALL_GA4_API_SECRET);
  if (flags.to === undefined || needIds) {
    if (measurementId === undefined) fail(`missing --measurement-id (or FOOTFALL_GA4_MEASUREMENT_ID): the web stream's measurement id, G-XXXXXXXXXX (GA4 Admin > Data streams > your stream)${flags.to === undefined && !needIds ? '; or pass --to URL to send to a collector, or --dry-run' : ''}`);
    if (apiSecret === undefined) fail('missing --api-secret (or FOOTFALL_GA4_API_SECRET): create one under GA4 Admin > Data streams > your stream > Measurement Protocol API secrets');
  }
  const ids = { measurementId: measurementId ?? PLACEHOLDER_IDS.measurementId, apiSecret: apiSecret ?? PLACEHOLDER_IDS.apiSecret };
  if (!MEASUREMENT_ID.test(ids.measurementId)) {
    fail(`${flags.measurementId === undefined && measurementId !== undefined ? 'FOOTFALL_GA4_MEASUREMENT_ID' : '--measurement-id'} must be a GA4 measurement id like G-XXXXXXXXXX (not the stream id, not a UA- id), got "${ids.measurementId}"`);
  }
  if (ids.apiSecret.length === 0 || /\s/.test(ids.apiSecret)) {
    fail(`${flags.apiSecret === undefined ? 'FOOTFALL_GA4_API_SECRET' : '--api-secret'} must be a non-empty API secret without spaces (the value is not shown)`);
  }
  const endpoint = flags.to === undefined ? undefined : checkTo(flags.to, '/mp/collect', fail);
  const collect = ga4({ ...ids, region: flags.region, endpoint });
  const debug = ga4({ ...ids, region: flags.region, endpoint, validate: true });
  return { collectUrl: collect.requestUrl(), debugUrl: debug.requestUrl(), google: flags.to === undefined, measurementId: ids.measurementId, secrets: [ids.apiSecret] };
}

/** Resolves where a UA v1 hit goes: only to `--to` (Google stopped processing UA hits on 1 July 2023). */
export function resolveUaTarget(flags: TargetFlags, trackingId: string, fail: Fail): Target {
  if (flags.to === undefined) {
    fail('--protocol ua needs --to URL (a Footfall collector, e.g. http://127.0.0.1:8787): Google stopped processing Universal Analytics hits on 1 July 2023; or pass --dry-run');
  }
  const destination = ua({ trackingId, endpoint: checkTo(flags.to, '/collect', fail) });
  const single = destination.endpoint;
  const debug = single.endsWith('/collect') ? `${single.slice(0, -'/collect'.length)}/debug/collect` : `${single.replace(/\/$/, '')}/debug/collect`;
  return { collectUrl: single, debugUrl: debug, google: false, secrets: [] };
}

export function parseTrackingId(value: string): string {
  if (/^UA-\d+-\d+$/.test(value)) return value;
  throw new InvalidArgumentError(`expected a Universal Analytics tracking id like UA-12345-1, got "${value}".`);
}

/** `--to` as a URL (a bare origin gets `defaultPath`), or a usage error that hides its credentials. */
export function checkTo(to: string, defaultPath: string, fail: Fail): string {
  try {
    return parseEndpoint(to, defaultPath).toString();
  } catch {
    return fail(`--to must be an absolute http:// or https:// URL such as http://127.0.0.1:8787 (a bare origin gets ${defaultPath}), got "${maskUrl(to)}"`);
  }
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
