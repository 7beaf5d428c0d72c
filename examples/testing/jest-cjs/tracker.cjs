// One real tracker per test file, sending to the collector the parent started (FOOTFALL_ENDPOINT).
const { createTracker, ga4 } = require('footfall');

function createSuiteTracker() {
  return createTracker({ destination: ga4({ measurementId: 'G-TEST000000', apiSecret: 'test' }), hashKey: 'a-test-key-of-16-chars' });
}

module.exports = { createSuiteTracker };
