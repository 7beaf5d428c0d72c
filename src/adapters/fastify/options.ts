import type { FastifyRequest } from 'fastify';
import type { Tracker } from '../../delivery/tracker.js';
import { FootfallError, describeValue } from '../../errors.js';
import { booleanOption } from '../../option-checks.js';
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

/**
 * The plugin's options beyond every adapter's, and those Fastify's `register()` reads itself
 * (they reach the plugin's options too); any other key is refused with the adapter's options
 * (a misspelt `closeTracker` would change shutdown in silence).
 */
export const FASTIFY_OWN_KEYS = ['tracker', 'closeTracker', 'prefix', 'logLevel', 'logSerializers'] as const satisfies readonly (keyof FastifyAdapterOptions | 'prefix' | 'logLevel' | 'logSerializers')[];

/** Decides who closes the tracker. */
export function resolveFastifyOptions(options: FastifyAdapterOptions): { closeTracker: boolean } {
  if (options === null || typeof options !== 'object') throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'options', 'an object', describeValue(options));
  return { closeTracker: booleanOption('closeTracker', options.closeTracker, options.tracker === undefined) };
}
