import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relaxGa4 } from '../../src/collector/ga4-lenient.js';
import { collector } from '../../src/protocols/ga4/collector-destination.js';

describe('collector(url, { keepTimestamps })', () => {
  it('sends to /mp/batch, and refuses the forms that cannot keep old timestamps', () => {
    const destination = collector('http://127.0.0.1:8787', { keepTimestamps: true });
    assert.equal(destination.keepTimestamps, true);
    assert.equal(destination.batchEndpoint, 'http://127.0.0.1:8787/mp/batch');
    assert.equal(collector('http://127.0.0.1:8787').keepTimestamps, undefined);
    assert.throws(() => collector('http://127.0.0.1:8787', { keepTimestamps: true, batch: false }), { code: 'FOOTFALL_ERR_INVALID_OPTION' });
    assert.throws(() => collector('http://127.0.0.1:8787/ingest', { keepTimestamps: true }), { code: 'FOOTFALL_ERR_INVALID_OPTION' });
    assert.throws(() => collector('http://127.0.0.1:8787', { keepTimestamps: 'yes' as unknown as boolean }), { code: 'FOOTFALL_ERR_INVALID_OPTION' });
  });
});

describe('relaxGa4 with old timestamps kept', () => {
  const nowMs = Date.UTC(2026, 11, 6);
  const body = (ms: number) => ({ client_id: '1.2', events: [{ name: 'page_view', timestamp_micros: ms * 1000, params: {} }] });
  it('keeps a month-old time as it is; without it, moves it to 72 hours ago', () => {
    const old = nowMs - 30 * 86_400_000;
    assert.equal(relaxGa4(body(old), nowMs, true).events[0]?.timeMs, old);
    assert.equal(relaxGa4(body(old), nowMs).events[0]?.timeMs, nowMs - 72 * 3_600_000);
  });
  it('still reads a time in the future as the receipt time', () => {
    assert.equal(relaxGa4(body(nowMs + 86_400_000), nowMs, true).events[0]?.timeMs, nowMs);
  });
});
