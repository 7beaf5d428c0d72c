import type { FastifyRequest } from 'fastify';
import type { Tracker } from '../../delivery/tracker.js';
import { FootfallError, describeValue } from '../../errors.js';
import { booleanOption, refuseUnknownKeys } from '../../option-checks.js';
import type { AdapterOptions } from '../shared/options.js';

export interface FastifyAdapterOptions extends AdapterOptions<FastifyRequest> {
  /** The tracker; without it, one is made from FOOTFALL_GA4_* variables. */
  tracker?: Tracker | undefined;
  /**
   * In Fastify's `onClose` (after the server stopped taking requests), close the tracker
   * instead of only flushing it. A tracker you pass may serve other apps, so it is flushed.
   * @default true when the plugin built the tracker from the environment, false for one you passed
   * @example app.register(trackRequests, { tracker, closeTracker: true })
   */
  closeTracker?: boolean | undefined;
}

/** Every option, listed once: a new option that is not added here fails the type check. */
const OPTION_KEYS = {
  title: true, userId: true, skip: true, sampleRate: true, query: true, canonicalHost: true, trustProxy: true, random: true,
  tracker: true, closeTracker: true,
} satisfies Record<keyof FastifyAdapterOptions, true>;

/** Options Fastify's `register()` reads itself; they reach the plugin's options too. */
const REGISTER_KEYS = ['prefix', 'logLevel', 'logSerializers'];
const KNOWN = new Set([...Object.keys(OPTION_KEYS), ...REGISTER_KEYS]);

/** Refuses unknown keys (a misspelt `closeTracker` would change shutdown in silence); decides who closes the tracker. */
export function resolveFastifyOptions(options: FastifyAdapterOptions): { closeTracker: boolean } {
  if (options === null || typeof options !== 'object') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object', describeValue(options));
  refuseUnknownKeys(options, KNOWN, 'footfall/fastify');
  return { closeTracker: booleanOption('closeTracker', options.closeTracker, options.tracker === undefined) };
}
