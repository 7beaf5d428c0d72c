import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getFormat } from '../../src/collector/import/formats/index.js';
import { DEFAULT_TIME_MS, apacheEscape, combinedLine, commonLine, nginxEscape, timeLocal } from './log-lines.js';
import { reason, record } from './parsed.js';

const combined = getFormat('combined');
const common = getFormat('common');



describe('combined', () => {
  it('reads the Apache documentation line', () => {
    const line = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"';
    assert.deepEqual(record(combined.parse(line)), {
      timeMs: Date.UTC(2000, 9, 10, 20, 55, 36), method: 'GET', target: '/apache_pb.gif', status: 200, clientIp: '127.0.0.1',
      userId: 'frank', referer: 'http://www.example.com/start.html', userAgent: 'Mozilla/4.08 [en] (Win98; I ;Nav)',
    });
  });

  it('reads UTC offsets east and west, and half hours', () => {
    for (const offsetMinutes of [-720, -420, 0, 330, 345, 840]) {
      assert.equal(record(combined.parse(combinedLine({ offsetMinutes }))).timeMs, DEFAULT_TIME_MS, `offset ${offsetMinutes}`);
    }
    assert.equal(timeLocal(DEFAULT_TIME_MS, 330), '10/Mar/2024:19:25:36 +0530');
  });

  it('reads IPv6 clients, `-` fields as absent, HTTP/2.0 and HTTP/1.0, and upper-cases methods', () => {
    const parsed = record(combined.parse(combinedLine({ clientIp: '2001:db8::8a2e:370:7334', method: 'post', protocol: 'HTTP/2.0', bytes: '-' })));
    assert.equal(parsed.clientIp, '2001:db8::8a2e:370:7334');
    assert.equal(parsed.method, 'POST');
    assert.equal(parsed.referer, undefined);
    assert.equal(parsed.userId, undefined);
    assert.equal(record(combined.parse(combinedLine({ protocol: 'HTTP/1.0', clientIp: '::1' }))).clientIp, '::1');
    const line = '::ffff:10.0.0.1 - - [10/Mar/2024:13:55:36 +0000] "DELETE /v1/x?y=1 HTTP/2.0" 204 0 "-" "-"';
    assert.deepEqual(record(combined.parse(line)), { timeMs: DEFAULT_TIME_MS, method: 'DELETE', target: '/v1/x?y=1', status: 204, clientIp: '::ffff:10.0.0.1' });
  });

  it('undoes nginx escapes (\\xHH, UTF-8 bytes together) and Apache escapes (\\" and \\\\) in quoted fields', () => {
    const userAgent = 'Mozilla/5.0 "quoted" back\\slash café 日本';
    const nginx = combinedLine({ userAgent, referer: 'https://example.com/"x"' });
    assert.match(nginx, /\\x22quoted\\x22 back\\x5Cslash caf\\xC3\\xA9/);
    assert.equal(record(combined.parse(nginx)).userAgent, userAgent);
    assert.equal(record(combined.parse(nginx)).referer, 'https://example.com/"x"');
    const apache = combinedLine({ userAgent, escape: apacheEscape });
    assert.match(apache, /\\"quoted\\" back\\\\slash/);
    assert.equal(record(combined.parse(apache)).userAgent, userAgent);
    // A user agent ending in a backslash: the closing quote is not escaped.
    assert.equal(record(combined.parse(combinedLine({ userAgent: 'agent\\', escape: apacheEscape }))).userAgent, 'agent\\');
    // An unescaped quote (an old server): the field ends at the quote the format's next text follows.
    const raw = '1.2.3.4 - - [10/Mar/2024:13:55:36 +0000] "GET / HTTP/1.1" 200 5 "http://x/"a" b" "agent"';
    assert.equal(record(combined.parse(raw)).referer, 'http://x/"a" b');
    assert.equal(record(combined.parse(raw)).userAgent, 'agent');
  });

  it('accepts fields appended after the user agent (combined plus), which common does not', () => {
    const line = `${combinedLine()} "198.51.100.1" 0.004`;
    assert.equal(record(combined.parse(line)).userAgent, 'curl/8.5.0');
    assert.match(reason(common.parse(combinedLine())), /expected the line to end after \$body_bytes_sent/);
  });

  it('says why a line is malformed: a request that is not METHOD target PROTOCOL, a status out of range, a bad time, garbage', () => {
    const expectRequest = /^expected a request "METHOD target HTTP\/x\.y", got /;
    assert.match(reason(combined.parse(combinedLine({ request: '-' }))), expectRequest);
    assert.match(reason(combined.parse(combinedLine({ request: '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03' }))), expectRequest);
    assert.match(reason(combined.parse(combinedLine({ request: 'GET /' }))), expectRequest);
    assert.match(reason(combined.parse(combinedLine({ request: 'GET / SPDY/3' }))), expectRequest);
    assert.match(reason(combined.parse(combinedLine({ request: '/path HTTP/1.1' }))), expectRequest);
    // The reason never shows a query's values.
    assert.doesNotMatch(reason(combined.parse(combinedLine({ request: 'GET /x?token=secret' }))), /secret/);
    for (const status of ['000', '600', '99', '2000', 'abc']) assert.match(reason(combined.parse(combinedLine({ status }))), /^expected a status from 100 to 599, got /, status);
    assert.match(reason(combined.parse(combinedLine().replace('Mar', 'Foo'))), /^expected a time like 10\/Oct\/2000:13:55:36 -0700/);
    assert.match(reason(combined.parse(combinedLine().replace('13:55:36', '25:55:36'))), /^expected a time/);
    assert.match(reason(combined.parse(combinedLine().replace('[', ''))), /^expected " \[" after \$remote_user/);
    assert.match(reason(combined.parse(combinedLine().slice(0, -5))), /^expected a closing quote after \$http_user_agent/);
    assert.match(reason(combined.parse('garbage')), /^expected " - " after \$remote_addr/);
    assert.match(reason(combined.parse('')), /^expected/);
  });

  it('reads back any record written as a combined line, nginx- or Apache-escaped (property)', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9._@+-]{1,20}$/).filter((value) => value !== '-');
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((value) => value !== '-');
    const target = fc.tuple(fc.webPath(), fc.option(fc.webQueryParameters())).map(([path, query]) => `/${path.replace(/^\//, '')}${query === null ? '' : `?${query}`}`);
    const arbitrary = fc.record({
      clientIp: fc.oneof(fc.ipV4(), fc.ipV6()),
      userId: fc.option(token, { nil: undefined }),
      timeSeconds: fc.integer({ min: 0, max: 4_102_444_800 }),
      offsetMinutes: fc.integer({ min: -48, max: 56 }).map((quarter) => quarter * 15),
      method: fc.oneof(fc.constantFrom('GET', 'post', 'Put', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), fc.stringMatching(/^[A-Z][A-Z_-]{0,11}$/)),
      target,
      protocol: fc.constantFrom('HTTP/1.0', 'HTTP/1.1', 'HTTP/2.0', 'HTTP/3.0'),
      status: fc.integer({ min: 100, max: 599 }),
      referer: fc.option(fc.oneof(fc.webUrl(), text), { nil: undefined }),
      userAgent: fc.option(text, { nil: undefined }),
      apache: fc.boolean(),
    });
    fc.assert(fc.property(arbitrary, (r) => {
      const line = combinedLine({
        clientIp: r.clientIp, timeMs: r.timeSeconds * 1000, offsetMinutes: r.offsetMinutes, method: r.method, target: r.target,
        protocol: r.protocol, status: r.status, escape: r.apache ? apacheEscape : nginxEscape,
        ...(r.userId === undefined ? {} : { user: r.userId }),
        ...(r.referer === undefined ? {} : { referer: r.referer }),
      }).replace(/"curl\/8\.5\.0"$/, () => (r.userAgent === undefined ? '"-"' : `"${(r.apache ? apacheEscape : nginxEscape)(r.userAgent)}"`));
      const expected: Record<string, unknown> = { timeMs: r.timeSeconds * 1000, method: r.method.toUpperCase(), target: r.target, status: r.status, clientIp: r.clientIp };
      if (r.userAgent !== undefined) expected['userAgent'] = r.userAgent;
      if (r.referer !== undefined) expected['referer'] = r.referer;
      if (r.userId !== undefined) expected['userId'] = r.userId;
      assert.deepEqual(record(combined.parse(line)), expected);
    }), { numRuns: 2000 });
  });
});

describe('common', () => {
  it('reads common lines: no referer, no user agent', () => {
    assert.deepEqual(record(common.parse(commonLine({ clientIp: 'fe80::1%eth0', user: 'alice', method: 'GET', target: '/a b' }))), {
      timeMs: DEFAULT_TIME_MS, method: 'GET', target: '/a b', status: 200, clientIp: 'fe80::1%eth0', userId: 'alice',
    });
    assert.equal(record(common.parse(commonLine({ bytes: '-' }))).status, 200);
    assert.match(reason(common.parse(commonLine({ request: '-' }))), /^expected a request/);
    assert.equal(nginxEscape('a"b'), 'a\\x22b');
  });
});
