import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getFormat } from '../../src/collector/import/formats/index.js';
import { DEFAULT_TIME_MS, nginxEscape, timeLocal } from './log-lines.js';
import { reason, record } from './parsed.js';



// A log_format as it is configured behind a load balancer, with timings and the forwarded chain.
const MAIN_EXT = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" '
  + '"$http_user_agent" "$http_x_forwarded_for" rt=$request_time uct="$upstream_connect_time" urt="$upstream_response_time" host=$host';

describe('nginx log_format', () => {
  it('reads a custom format with $request_time, $http_x_forwarded_for, $host and unknown variables', () => {
    const format = getFormat(`nginx:${MAIN_EXT}`);
    assert.equal(format.name, 'nginx');
    const line = `10.0.0.2 - - [${timeLocal(DEFAULT_TIME_MS, -300)}] "GET /v1/orders/7?expand=items HTTP/1.1" 200 1534 "-" "${nginxEscape('okhttp/4.12 "x"')}" "198.51.100.23, 10.0.0.1" rt=0.125 uct="0.001" urt="0.120" host=api.example.com`;
    assert.deepEqual(record(format.parse(line)), {
      timeMs: DEFAULT_TIME_MS, method: 'GET', target: '/v1/orders/7?expand=items', status: 200, durationMs: 125, clientIp: '10.0.0.2',
      userAgent: 'okhttp/4.12 "x"', host: 'api.example.com', forwardedFor: '198.51.100.23, 10.0.0.1',
    });
    const bare = line.replace('"198.51.100.23, 10.0.0.1"', '"-"').replace('rt=0.125', 'rt=0.000');
    assert.equal(record(format.parse(bare)).forwardedFor, undefined);
    assert.equal(record(format.parse(bare)).durationMs, 0);
    assert.match(reason(format.parse(line.replace('rt=0.125', 'rt=abc'))), /^expected seconds like 0.005 in \$request_time, got "abc"/);
    assert.match(reason(format.parse(`${line} extra`)), /^expected the line to end after \$host/);
  });

  it('reads $time_iso8601, $msec, $request_method with $request_uri, $uri with $args, ${braced} names', () => {
    const iso = getFormat('nginx:${time_iso8601}|$request_method|$request_uri|$status|$upstream_response_time|$http_host');
    assert.deepEqual(record(iso.parse('2024-03-10T08:55:36-05:00|get|/a?b=1|502|0.010, 0.020 : 0.005|api.test')), {
      timeMs: DEFAULT_TIME_MS, method: 'GET', target: '/a?b=1', status: 502, durationMs: 35, host: 'api.test',
    });
    assert.equal(record(iso.parse('2024-03-10T13:55:36+00:00|GET|/|200|-|-')).durationMs, undefined);
    const msec = getFormat('nginx:$msec $request_method $uri $args $server_name $bytes_sent $connection');
    assert.deepEqual(record(msec.parse('1710078936.250 PUT /v1/x a=1&b=2 example.org 100 77')), {
      timeMs: DEFAULT_TIME_MS + 250, method: 'PUT', target: '/v1/x?a=1&b=2', host: 'example.org',
    });
    assert.equal(record(msec.parse('1710078936.250 PUT /v1/x - example.org 100 77')).target, '/v1/x');
    assert.match(reason(msec.parse('yesterday PUT /v1/x - example.org 100 77')), /^expected epoch seconds like 1700000000.123 in \$msec/);
    assert.match(reason(iso.parse('2024-13-10T08:55:36-05:00|GET|/|200|-|-')), /^expected a time like 2000-10-10T13:55:36-07:00 in \$time_iso8601/);
  });

  it('reads an unquoted $request, in the middle or at the end', () => {
    const middle = getFormat('nginx:$remote_addr [$time_local] $request $status');
    assert.deepEqual(record(middle.parse(`::1 [${timeLocal(DEFAULT_TIME_MS, 0)}] GET /a?b=1 HTTP/1.1 200`)), { timeMs: DEFAULT_TIME_MS, method: 'GET', target: '/a?b=1', status: 200, clientIp: '::1' });
    assert.match(reason(middle.parse(`::1 [${timeLocal(DEFAULT_TIME_MS, 0)}] - 400`)), /^expected a request/);
    const last = getFormat('nginx:$time_iso8601 $request');
    assert.equal(record(last.parse('2024-03-10T13:55:36+00:00 POST /x HTTP/2.0')).target, '/x');
  });

  it('refuses a format it cannot read, saying why', () => {
    const cases: [string, RegExp][] = [
      ['', /it is empty/],
      ['just text', /it has no \$variable/],
      ['$remote_addr$remote_user [$time_local] "$request"', /\$remote_addr and \$remote_user have nothing between them/],
      ['${time_local "$request"', /has no closing "}"/],
      ['$ [$time_local] "$request"', /a "\$" at column 1 is not followed by a variable name/],
      ['$remote_addr "$request"', /no time: expected \$time_local, \$time_iso8601 or \$msec/],
      ['[$time_local] $status', /no request: expected \$request, or \$request_method with \$request_uri or \$uri/],
    ];
    for (const [format, why] of cases) {
      assert.throws(() => getFormat(`nginx:${format}`), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'FOOTFALL_ERR_INVALID_LOG_FORMAT');
        assert.match(error.message, why);
        return true;
      }, format);
    }
  });

  it('refuses unknown format names and field mappings for formats other than json', () => {
    assert.throws(() => getFormat('auto'), { code: 'FOOTFALL_ERR_INVALID_LOG_FORMAT', message: /detectFormat/ });
    assert.throws(() => getFormat('apache'), { code: 'FOOTFALL_ERR_INVALID_LOG_FORMAT', message: /"apache".*expected auto, combined, common, json, alb or nginx/ });
    assert.throws(() => getFormat('$remote_addr [$time_local] "$request"'), { code: 'FOOTFALL_ERR_INVALID_LOG_FORMAT', message: /a log_format string goes after "nginx:"/ });
    assert.throws(() => getFormat('combined', { fields: { time: 'ts' } }), { code: 'FOOTFALL_ERR_INVALID_FIELD_MAPPING', message: /for --format json/ });
  });
});
