import type { Hit } from '../core/hit.js';
import type { TrackInput } from './track-input.js';
import type { Accounting } from './accounting.js';
import type { DeliveryReport, DropReason, FailureReport, SafeEmitter } from './events.js';
import { safeCall } from './events.js';
import type { FlushLedger } from './flush-ledger.js';
import type { Job, JobOutcome } from './sender.js';

/**
 * Where every hit's fate is written: the counters, the events, the callbacks and the flush
 * ledger, in one place, so tracked = sent + failed + dropped + pending holds at every moment.
 */
export interface Books {
  settle(job: Job, outcome: JobOutcome): void;
  /** Hits (built) or inputs (not yet built) that will never be sent. */
  drop(reason: DropReason, hits: readonly Hit[], inputs: readonly TrackInput[], count?: number): void;
}

export function createBooks({ accounting, emitter, ledger, onSuccess, onFailure }: {
  accounting: Accounting;
  emitter: SafeEmitter;
  ledger: FlushLedger;
  onSuccess: ((report: DeliveryReport) => void) | undefined;
  onFailure: ((report: FailureReport) => void) | undefined;
}): Books {
  const drop: Books['drop'] = (reason, hits, inputs, count = hits.length + inputs.length) => {
    accounting.drop(reason, count);
    if (emitter.has('dropped')) emitter.emit('dropped', { reason, hits, inputs });
  };
  return {
    drop,
    settle(job, outcome) {
      const { hits } = job.request;
      if (outcome.kind === 'sent') {
        accounting.sent += hits.length;
        const report = { hits, status: outcome.status, attempts: outcome.attempts };
        emitter.emit('sent', report);
        safeCall(onSuccess, report);
      } else if (outcome.kind === 'unsent') {
        drop('closed', hits, []);
      } else {
        accounting.fail(outcome.reason, hits.length);
        const report: FailureReport = { hits, reason: outcome.reason, lastError: outcome.lastError, status: outcome.status, attempts: outcome.attempts, validationMessages: outcome.validationMessages };
        emitter.emit('failed', report);
        safeCall(onFailure, report);
      }
      ledger.remove(job.epoch, hits.length);
    },
  };
}
