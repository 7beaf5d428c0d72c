import { warnOnce } from '../warnings.js';
import type { Accounting } from './accounting.js';
import type { Clock } from './clock.js';
import type { FailingSummary } from './failure-watch.js';
import type { FailureReport } from './events.js';
import type { Destination } from './options.js';

/**
 * Where hits go, for a warning: the URL without credentials, and for GA4 the measurement id
 * with the API secret masked. Never the secret, never a password.
 */
export function destinationLabel(destination: Destination): string {
  const url = new URL((destination.kind === 'ga4' ? destination.batchEndpoint : undefined) ?? destination.endpoint);
  if (url.username !== '' || url.password !== '') {
    url.username = '***';
    url.password = '';
  }
  const base = url.toString();
  return destination.kind === 'ga4' ? `${base}?measurement_id=${destination.measurementId}&api_secret=***` : base;
}

/** FFWRN007's detail: where, since when, how many attempts, and the hits so far. */
export function failingDetail(label: string, summary: FailingSummary, nowMs: number, accounting: Accounting, pending: number): string {
  const seconds = Math.round((nowMs - summary.sinceMs) / 1000);
  return `Destination: ${label}. No attempt succeeded for ${seconds} s: ${summary.attempts} attempts failed (last: ${summary.last}). Hits so far: ${accounting.tracked} tracked, ${accounting.sent} sent, ${pending} waiting, ${accounting.failed} failed, ${accounting.dropped} dropped.`;
}

/** FFWRN008's detail, or undefined when nothing was lost: the lost hits by reason (and those still pending when the process ends). */
export function lostDetail(label: string, accounting: Accounting, pendingAtExit = 0): string | undefined {
  const lost = accounting.failed + accounting.dropped + pendingAtExit;
  if (lost === 0) return undefined;
  const failed = byReason(accounting.failedBy);
  const dropped = byReason(accounting.droppedBy);
  const ending = pendingAtExit > 0 ? `still pending when the process ended ${pendingAtExit}` : '';
  const parts = [failed === '' ? '' : `failed: ${failed}`, dropped === '' ? '' : `dropped: ${dropped}`, ending].filter((part) => part !== '');
  return `${lost} of ${accounting.tracked} hits were lost (${parts.join('; ')}); ${accounting.sent} sent. Destination: ${label}.`;
}

function byReason(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
}

/**
 * The tracker's loss warnings: FFWRN007 when the watch says the destination is failing;
 * FFWRN008 at close, or when the process ends without a close, if hits were lost; FFWRN009
 * when a collector has no `/mp/batch` (a 404 there is a configuration problem, not bad luck).
 */
export function createLossWarnings({ destination, accounting, pending, clock }: { destination: Destination; accounting: Accounting; pending: () => number; clock: Clock }) {
  const label = destinationLabel(destination);
  return {
    failing(summary: FailingSummary): void {
      warnOnce('FFWRN007', failingDetail(label, summary, clock.now(), accounting, pending()));
    },
    closed(): void {
      const lost = lostDetail(label, accounting);
      if (lost !== undefined) warnOnce('FFWRN008', lost);
    },
    failed(report: FailureReport): void {
      if (report.status === 404 && destination.kind === 'ga4' && destination.batchEndpoint !== undefined) warnOnce('FFWRN009', `Destination: ${label}.`);
    },
    processEnding(): void {
      const lost = lostDetail(label, accounting, pending());
      if (lost !== undefined) warnOnce('FFWRN008', lost);
    },
  };
}
