import { ga4 } from '../protocols/ga4/destination.js';
import { ua } from '../protocols/ua/destination.js';
import type { Destination } from './options.js';

/**
 * FOOTFALL_ENDPOINT points a tracker at another collector (the seed's "change it to
 * http://localhost:5000/") when the destination was not given an endpoint of its own.
 */
export function withEnvEndpoint(destination: Destination, endpoint: string | undefined): Destination {
  if (endpoint === undefined || destination.customEndpoint) return destination;
  if (destination.kind === 'ga4') {
    return ga4({ measurementId: destination.measurementId, apiSecret: destination.apiSecret, validate: destination.validate, endpoint: ga4Endpoint(endpoint) });
  }
  return ua({ trackingId: destination.trackingId, endpoint });
}

/** A bare origin or a `/debug/mp/collect` URL both name the collector's collect path. */
function ga4Endpoint(endpoint: string): string {
  return endpoint.replace(/\/debug\/mp\/collect$/, '/mp/collect');
}
