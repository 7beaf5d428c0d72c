import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHit } from '../../src/core/to-hit.js';
import type { RequestInfo } from '../../src/core/request-info.js';
import { encodeGa4 } from '../../src/protocols/ga4/encode.js';
import { encodeUa } from '../../src/protocols/ua/encode.js';
import { T0, testContext } from '../helpers/context.js';

// One request, from what an adapter reports to the exact bytes on the wire. The ids are keyed
// hashes under test/helpers/context.ts's TEST_KEY: if hashing changes, ids in GA change too,
// so this test must fail and the change must be deliberate.
const info: RequestInfo = {
  method: 'GET',
  url: '/v1/users/42?fields=name&api_key=sk_live_1',
  route: '/v1/users/:id',
  status: 200,
  durationMs: 8.25,
  timestampMs: T0,
  clientIp: '203.0.113.9',
  userId: 'user-42',
  hitId: 'k3j9x0a1bq-2a',
  headers: { host: 'api.example.com', userAgent: 'curl/8.5.0', referrer: 'https://app.example.com/dash?session=x' },
};

describe('golden: a request to the wire', () => {
  const hit = toHit(info, testContext({ canonicalHost: 'https://api.example.com' }));

  it('GA4', () => {
    assert.equal(
      encodeGa4([hit], { nowMs: T0 + 1000 }).requests[0]?.body,
      '{"client_id":"5754736188509.7403983319899","user_id":"0e42f659b25a725393436edb4e3f34b7","timestamp_micros":1795953600000000,"user_agent":"curl/8.5.0","events":[{"name":"page_view","timestamp_micros":1795953600000000,"params":{"page_location":"https://api.example.com/v1/users/:id?api_key&fields","page_title":"GET /v1/users/:id","page_referrer":"https://app.example.com","session_id":1795953600,"engagement_time_msec":8,"api_route":"/v1/users/:id","api_method":"GET","http_status":200,"duration_ms":8.25,"data_source":"api","hit_id":"k3j9x0a1bq-2a"}}]}',
    );
  });

  it('UA', () => {
    assert.equal(
      encodeUa([hit], { trackingId: 'UA-12345-1', nowMs: T0 + 1000 }).requests[0]?.body,
      'v=1&tid=UA-12345-1&cid=5754736188509.7403983319899&uid=0e42f659b25a725393436edb4e3f34b7&t=pageview&dl=https%3A%2F%2Fapi.example.com%2Fv1%2Fusers%2F%3Aid%3Fapi_key%26fields&dh=api.example.com&dp=%2Fv1%2Fusers%2F%3Aid%3Fapi_key%26fields&dt=GET%20%2Fv1%2Fusers%2F%3Aid&dr=https%3A%2F%2Fapp.example.com&ds=api&ua=curl%2F8.5.0&qt=1000&z=k3j9x0a1bq-2a',
    );
  });
});
