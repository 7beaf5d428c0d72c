import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHit } from '../../src/core/to-hit.js';
import type { RequestInfo } from '../../src/core/request-info.js';
import { T0, testContext } from '../helpers/context.js';

const request: RequestInfo = {
  method: 'get',
  url: '/v1/users/42?fields=name&token=s3cr3t',
  route: '/v1/users/:id',
  status: 200,
  durationMs: 12.3456,
  clientIp: '203.0.113.9',
  headers: { host: 'api.example.com', userAgent: 'curl/8.5.0' },
};

describe('toHit: the page', () => {
  it('is the route template with the query names, never the raw path', () => {
    const hit = toHit(request, testContext());
    assert.equal(hit.route, '/v1/users/:id');
    assert.equal(hit.path, '/v1/users/:id?fields&token');
    assert.equal(hit.location, 'http://api.example.com/v1/users/:id?fields&token');
    assert.ok(!hit.location.includes('42'));
    assert.ok(!JSON.stringify(hit).includes('s3cr3t'));
  });

  it('sends every request that matched no route to one bucket', () => {
    const context = testContext();
    const pages = new Set(['/wp-login.php', '/.env', '/x/1/2/3'].map((url) => toHit({ ...request, url, route: null }, context).location));
    assert.deepEqual([...pages], ['http://api.example.com/(unmatched)']);
  });

  it('derives a template from the path when the route is unknown', () => {
    const { route, location } = toHit({ method: 'GET', url: 'https://api.example.com/v2/items/991/parts' }, testContext());
    assert.equal(route, '/v2/items/:id/parts');
    assert.equal(location, 'https://api.example.com/v2/items/:id/parts');
  });

  it('escapes ? and # inside templates so they cannot start a query', () => {
    assert.equal(toHit({ ...request, route: '/files/:name?', url: '/files' }, testContext()).path, '/files/:name%3F');
  });
});

describe('toHit: host and protocol', () => {
  it('uses canonicalHost for every page when set', () => {
    const hit = toHit({ ...request, headers: { host: 'internal:8080' } }, testContext({ canonicalHost: 'https://api.example.com' }));
    assert.equal(hit.location, 'https://api.example.com/v1/users/:id?fields&token');
  });

  it('believes X-Forwarded-* only with trustProxy', () => {
    const info = { ...request, headers: { host: 'app:3000', forwardedHost: 'api.example.com, proxy', forwardedProto: 'https' } };
    assert.equal(toHit(info, testContext()).host, 'app:3000');
    const trusted = toHit(info, testContext({ trustProxy: true }));
    assert.equal(trusted.host, 'api.example.com');
    assert.equal(trusted.protocol, 'https');
  });

  it('drops the port of a loopback host (a test server on a random port is one page, not one per port)', () => {
    const hostOf = (host: string) => toHit({ ...request, headers: { host } }, testContext()).location;
    assert.equal(hostOf('127.0.0.1:54321'), 'http://127.0.0.1/v1/users/:id?fields&token');
    assert.equal(hostOf('127.8.9.10:3000'), 'http://127.8.9.10/v1/users/:id?fields&token');
    assert.equal(hostOf('LocalHost:3000'), 'http://localhost/v1/users/:id?fields&token');
    assert.equal(hostOf('api.localhost:3000'), 'http://api.localhost/v1/users/:id?fields&token');
    assert.equal(hostOf('[::1]:8080'), 'http://[::1]/v1/users/:id?fields&token');
    assert.equal(hostOf('[::1]'), 'http://[::1]/v1/users/:id?fields&token');
    assert.equal(hostOf('api.example.com:8443'), 'http://api.example.com:8443/v1/users/:id?fields&token', 'other hosts keep theirs');
    assert.equal(hostOf('10.0.0.7:8080'), 'http://10.0.0.7:8080/v1/users/:id?fields&token');
    assert.equal(hostOf('127.0.0.1.example.com:8080'), 'http://127.0.0.1.example.com:8080/v1/users/:id?fields&token');
  });

  it('drops default ports and rejects malformed hosts', () => {
    assert.equal(toHit({ ...request, protocol: 'https', headers: { host: 'API.example.com:443' } }, testContext()).host, 'api.example.com');
    assert.equal(toHit({ ...request, headers: { host: 'evil.com/<script>' } }, testContext()).host, 'unknown.invalid');
    assert.equal(toHit({ ...request, headers: {} }, testContext()).host, 'unknown.invalid');
  });
});

describe('toHit: title, method, status, timing', () => {
  it('defaults the title to "METHOD route"', () => {
    assert.equal(toHit(request, testContext()).title, 'GET /v1/users/:id');
  });

  it('uses the title option, and falls back when it throws', () => {
    assert.equal(toHit(request, testContext({ title: () => 'API (UserView)' })).title, 'API (UserView)');
    const throwing = testContext({ title: () => { throw new Error('boom'); } });
    assert.equal(toHit(request, throwing).title, 'GET /v1/users/:id');
  });

  it('normalises method, status and duration', () => {
    const hit = toHit({ ...request, method: 'G E T', status: 99, durationMs: -4 }, testContext());
    assert.equal(hit.method, 'OTHER');
    assert.equal(hit.status, 0);
    assert.equal(hit.durationMs, 0);
    assert.equal(toHit(request, testContext()).durationMs, 12.346);
    assert.equal(toHit({ ...request, durationMs: 1e305 }, testContext()).durationMs, 86_400_000, 'capped at a day');
  });

  it('stamps the hit with the moment the request finished, else the injected clock', () => {
    assert.equal(toHit({ ...request, timestampMs: T0 - 5000 }, testContext()).timestampMs, T0 - 5000);
    assert.equal(toHit(request, testContext()).timestampMs, T0);
  });
});

describe('toHit: client and user ids', () => {
  it('hashes the user id with the key; the raw id never appears', () => {
    const hit = toHit({ ...request, userId: 'user-123' }, testContext());
    assert.match(hit.userId ?? '', /^[0-9a-f]{32}$/);
    assert.ok(!JSON.stringify(hit).includes('user-123'));
    assert.equal(toHit({ ...request, userId: 'user-123' }, testContext()).clientId, hit.clientId, 'same key, same ids');
    assert.notEqual(toHit({ ...request, userId: 'user-123' }, testContext({ hashKey: 'another-key-0123456789' })).userId, hit.userId);
  });

  it('derives an anonymous id from the /24 and user agent, rotating daily', () => {
    const context = testContext();
    const a = toHit({ ...request, clientIp: '203.0.113.9' }, context).clientId;
    assert.match(a, /^\d+\.\d+$/);
    assert.equal(toHit({ ...request, clientIp: '203.0.113.200' }, context).clientId, a, 'same /24');
    assert.notEqual(toHit({ ...request, clientIp: '203.0.114.9' }, context).clientId, a, 'other /24');
    assert.notEqual(toHit({ ...request, headers: { ...request.headers, userAgent: 'other' } }, context).clientId, a);
    assert.notEqual(toHit({ ...request, timestampMs: T0 + 86_400_000 }, context).clientId, a, 'next day, new salt');
  });

  it('keeps an explicit GA client id and hashes any other', () => {
    assert.equal(toHit({ ...request, clientId: '123456.7654321' }, testContext()).clientId, '123456.7654321');
    assert.match(toHit({ ...request, clientId: 'token-abc' }, testContext()).clientId, /^\d+\.\d+$/);
  });

  it('uses a new random id per hit with clientId: "random"', () => {
    let n = 0;
    const context = testContext({ clientId: 'random', random: () => ((n += 0.1) % 1) });
    const ids = new Set([1, 2, 3].map(() => toHit(request, context).clientId));
    assert.equal(ids.size, 3);
    for (const id of ids) assert.match(id, /^\d+\.\d+$/);
  });

  it('keeps one session per client across requests', () => {
    const context = testContext();
    const first = toHit({ ...request, timestampMs: T0 }, context);
    const second = toHit({ ...request, timestampMs: T0 + 60_000 }, context);
    assert.equal(second.sessionId, first.sessionId);
    assert.equal(first.sessionId, Math.floor(T0 / 1000));
  });
});

describe('toHit: referrer and user agent', () => {
  const withReferrer = { ...request, headers: { ...request.headers, referrer: 'https://u:p@app.example.com/dash/7?session=abc&tab=2#frag' } };

  it('sends only the referrer origin by default', () => {
    assert.equal(toHit(withReferrer, testContext()).referrer, 'https://app.example.com');
  });

  it('sends path and policy-redacted query with referrer: "full"', () => {
    assert.equal(toHit(withReferrer, testContext({ referrer: 'full', query: 'all' })).referrer, 'https://app.example.com/dash/7?session&tab=2');
  });

  it('sends nothing with referrer: "none" or for a non-http referrer', () => {
    assert.equal(toHit(withReferrer, testContext({ referrer: 'none' })).referrer, undefined);
    assert.equal(toHit({ ...request, headers: { referrer: 'android-app://x' } }, testContext()).referrer, undefined);
  });

  it('omits the user agent with userAgent: false', () => {
    assert.equal(toHit(request, testContext()).userAgent, 'curl/8.5.0');
    assert.equal(toHit(request, testContext({ userAgent: false })).userAgent, undefined);
  });

  it('never carries the client IP', () => {
    const text = JSON.stringify(toHit(request, testContext()));
    assert.ok(!text.includes('203.0.113'));
  });
});

describe('toHit: hostile input', () => {
  it('never throws', () => {
    const context = testContext();
    const inputs = [
      { method: '', url: '' },
      { method: 'GET', url: '%' },
      { method: 'GET', url: `/${'a'.repeat(20_000)}` },
      { method: 'GET', url: '/\uD800x?\uDC00=\uD800' },
      { method: 'GET', url: '/%ff%fe?%zz=%' },
      { method: 'GET', url: 'javascript:alert(1)' },
      { method: 7, url: null, route: 5, status: 'x', headers: null } as unknown as RequestInfo,
    ];
    for (const info of inputs) assert.doesNotThrow(() => toHit(info as RequestInfo, context));
  });
});
