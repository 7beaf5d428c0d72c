import type { TestRunner } from '../internal/test-runner.js';
import type { Destination } from './options.js';

/** Google's collection hosts: www.google-analytics.com, region1.google-analytics.com, ... */
const GOOGLE_HOST = /(^|\.)google-analytics\.com$/i;

/** True when `url` is one of Google Analytics' own endpoints. */
export function isGoogleEndpoint(url: string): boolean {
  try {
    return GOOGLE_HOST.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * Decided once, at createTracker: a tracker created under a test runner whose hits would go
 * over the network (the default transport) to Google Analytics itself sends nothing, unless
 * `sendInTests` says so. Returns the runner that holds it back, or undefined when it sends.
 * A local collector (FOOTFALL_ENDPOINT, `ga4({ endpoint })`) or an injected transport sends as usual.
 */
export function heldBackInTests({ destination, injectedTransport, sendInTests, runner }: {
  destination: Destination;
  injectedTransport: boolean;
  sendInTests: boolean;
  runner: TestRunner | undefined;
}): TestRunner | undefined {
  if (sendInTests || injectedTransport || !isGoogleEndpoint(destination.endpoint)) return undefined;
  return runner;
}
