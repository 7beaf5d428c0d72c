import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveAdapterOptions } from '../src/adapters/shared/options.js';
import { startCollector } from '../src/collector/server.js';
import { isFootfallError } from '../src/errors.js';
import { rateOption } from '../src/option-checks.js';

const invalid = (name: string) => (error: unknown) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_INVALID_OPTION' && error.message.includes(`\`${name}\` must be a number from 0 to 1`);

describe('the shared rate check', () => {
  it('takes 0..1, falls back when absent, and refuses anything else naming the option', () => {
    assert.equal(rateOption('r', 0.25, 1), 0.25);
    assert.equal(rateOption('r', undefined, 1), 1);
    for (const bad of [-0.1, 1.5, Number.NaN, '0.5', null]) assert.throws(() => rateOption('r', bad, 1), invalid('r'));
  });

  it('is what an adapter\'s sampleRate and the collector\'s failRate / hangRate use', async () => {
    assert.throws(() => resolveAdapterOptions({ sampleRate: 2 }), invalid('sampleRate'));
    await assert.rejects(startCollector({ port: 0, memory: true, failRate: 2 }), invalid('failRate'));
    await assert.rejects(startCollector({ port: 0, memory: true, hangRate: -1 }), invalid('hangRate'));
  });
});
