// The public surface of `footfall`. Explicit exports only: anything not named here is internal.
export { toHit, resolveHitOptions } from './hit-options.js';
export type { HitOptions } from './hit-options.js';
export type { HitContext } from './core/hit-context.js';
export type { Hit } from './core/hit.js';
export { UNMATCHED_ROUTE } from './core/hit.js';
export type { RequestInfo, RequestHeaders } from './core/request-info.js';
export type { QueryPolicy } from './privacy/query.js';

export { ga4 } from './protocols/ga4/destination.js';
export type { Ga4Destination, Ga4DestinationOptions } from './protocols/ga4/destination.js';
export { collector } from './protocols/ga4/collector-destination.js';
export type { CollectorDestinationOptions } from './protocols/ga4/collector-destination.js';
export { encodeGa4 } from './protocols/ga4/encode.js';
export type { Ga4EncodeOptions, Ga4EncodeResult, Ga4Event, Ga4Payload, Ga4Request } from './protocols/ga4/encode.js';
export { validateGa4 } from './protocols/ga4/validate.js';
export type { Ga4ValidationMessage, Ga4ValidationResult, ValidateGa4Options } from './protocols/ga4/validate.js';
export { GA4_LIMITS, GA4_VALIDATION_CODES } from './protocols/ga4/limits.js';
export type { Ga4ValidationCode } from './protocols/ga4/limits.js';

export { ua } from './protocols/ua/destination.js';
export type { UaDestination, UaDestinationOptions } from './protocols/ua/destination.js';
export { encodeUa } from './protocols/ua/encode.js';
export { validateUa } from './protocols/ua/validate.js';

export { createTracker } from './delivery/tracker.js';
export type { Tracker, TrackerStats, CloseOptions, CloseResult } from './delivery/tracker.js';
export type { TrackerOptions } from './delivery/options.js';
export type { TrackInput } from './delivery/track-input.js';
export type { DeliveryReport, FailureReport, DropReport, DropReason, FailReason, TrackerEvent } from './delivery/events.js';
export type { Clock } from './delivery/clock.js';
export type { BreakerChange, BreakerState } from './delivery/breaker.js';
export type { OutgoingRequest, SendOptions, SendResult, Transport } from './delivery/transport.js';

export { FootfallError, isFootfallError, ERROR_CODES } from './errors.js';
export type { FootfallErrorCode } from './errors.js';
export { WARNINGS } from './warnings.js';
export { VERSION } from './version.js';
