// `footfall/testing`: test an app that uses Footfall without sending anything anywhere (ESM
// only: it can start the collector). A leaf: neither the library nor the adapters import it.
export { createTestTracker, TEST_HASH_KEY, TEST_MEASUREMENT_ID } from './test-tracker.js';
export type { TestTracker, TestTrackerOptions } from './test-tracker.js';
export type { RecordedRequest, Respond } from './memory-transport.js';
export { startFakeCollector, FAKE_COLLECTOR_SEED } from './fake-collector.js';
export type { FakeCollector, FakeCollectorOptions } from './fake-collector.js';
export type { IngestRequest } from '../collector/options.js';
export type { StoredHit } from '../collector/types.js';
export { assertTracked, assertNotTracked, assertValidPayloads } from './assertions.js';
export type { HitMatch, HitSource } from './assertions.js';
export { describeHits } from './describe-hits.js';
export type { HitLike } from './describe-hits.js';
export { createManualClock } from '../delivery/clock.js';
export type { Clock, ManualClock } from '../delivery/clock.js';
export type { Hit } from '../core/hit.js';
