import { processWide } from './internal/process-wide.js';

/**
 * Warnings Footfall emits at most once per process each, through process.emitWarning, so
 * they reach the app's usual warning handling (and `--no-warnings` silences them).
 * Codes are never reused.
 */
export const WARNINGS = {
  FFWRN001:
    'No hash key was given (option `hashKey` or FOOTFALL_HASH_KEY): a random key is used for this process, so client and user ids will not match across processes or restarts.',
  FFWRN002: 'A `title` function threw or returned something other than a string; the default title was used instead.',
  FFWRN003: 'An onSuccess/onFailure callback or a tracker event listener threw; the error was caught and delivery went on. Later errors from callbacks are not reported again.',
  FFWRN005: 'A framework adapter met an error while recording a request (a bug in Footfall, or a userId/skip/title option that threw); the request was not affected. Reported once.',
  FFWRN004: 'Hits are being dropped because the queue is full (maxQueueSize / maxQueueBytes); see tracker.stats().dropped. This is reported once.',
  FFWRN006:
    'A tracker created under a test runner sends to Google Analytics: its hits are dropped (reason `test_environment`), not sent. Point it at a local collector (FOOTFALL_ENDPOINT or ga4({ endpoint })), use createTestTracker() from footfall/testing, or pass `sendInTests: true` to createTracker to send anyway.',
  FFWRN007: 'Analytics delivery has been failing for a while: no attempt has succeeded, and the destination cannot be reached or refuses every request (connection refused, DNS, TLS, timeouts, 5xx, or a 4xx each time). Hits wait in the bounded queue and are lost if it does not recover. Check the endpoint, the ids and the network; tracker.stats() has the counts. Reported once.',
  FFWRN008: 'Hits were lost: when the tracker closed (or the process ended without closing it), some had failed, been dropped or were still pending (counts by reason below; tracker.stats() has them too). Reported once.',
  FFWRN009: 'A Footfall collector answered 404 to POST /mp/batch: this collector has no /mp/batch; upgrade it or use collector(url, { batch: false }). Its hits fail as http_4xx until then. Reported once.',
} as const;

export type WarningCode = keyof typeof WARNINGS;

/** Codes already emitted, shared by every copy of Footfall in the process (Jest loads one per test file). */
const emitted = processWide('warnings.emitted', () => new Set<string>());

/** Emits the warning `code` once per process; later calls do nothing. */
export function warnOnce(code: WarningCode, detail?: string): void {
  if (emitted.has(code)) return;
  emitted.add(code);
  const text = detail === undefined ? WARNINGS[code] : `${WARNINGS[code]} ${detail}`;
  process.emitWarning(text, { type: 'FootfallWarning', code });
}
