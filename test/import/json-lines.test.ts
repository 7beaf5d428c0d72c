import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { request } from 'undici';
import { getFormat } from '../../src/collector/import/formats/index.js';
import { reason, record } from './parsed.js';

const json = getFormat('json');



/** Lines pino-http really writes: a node:http server on 127.0.0.1 / ::1 logging to memory, and requests to it. */
async function pinoHttpLines(host: string): Promise<string[]> {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk, _encoding, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
  const logger = pinoHttp({ logger: pino(destination) });
  const server = createServer((req, res) => {
    logger(req, res);
    res.statusCode = req.url?.startsWith('/missing') === true ? 404 : req.method === 'POST' ? 201 : 200;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  try {
    await (await request(`${base}/v1/users/42?token=secret`, { headers: { 'user-agent': 'okhttp/4.12 "quoted"', referer: 'https://app.example.com/' } })).body.text();
    await (await request(`${base}/v1/users`, { method: 'POST', body: '{}', headers: { 'x-forwarded-for': '198.51.100.1' } })).body.text();
    await (await request(`${base}/missing`)).body.text();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  return lines;
}

describe('json lines', () => {
  it('reads the lines pino-http writes (captured from a real server, IPv4 and IPv6)', async () => {
    for (const host of ['127.0.0.1', '::1']) {
      const before = Date.now();
      const lines = await pinoHttpLines(host);
      assert.equal(lines.length, 3, lines.join('\n'));
      const [get, post, missing] = lines.map((line) => record(json.parse(line)));
      assert.ok(get !== undefined && post !== undefined && missing !== undefined);
      assert.equal(get.method, 'GET');
      assert.equal(get.target, '/v1/users/42?token=secret');
      assert.equal(get.status, 200);
      assert.equal(get.clientIp, host);
      assert.equal(get.userAgent, 'okhttp/4.12 "quoted"');
      assert.equal(get.referer, 'https://app.example.com/');
      assert.match(get.host ?? '', /:\d+$/);
      assert.ok(get.timeMs >= before && get.timeMs <= Date.now(), 'time is epoch ms');
      assert.ok(typeof get.durationMs === 'number' && get.durationMs >= 0, 'responseTime is ms');
      assert.deepEqual([post.method, post.status, post.forwardedFor], ['POST', 201, '198.51.100.1']);
      assert.deepEqual([missing.target, missing.status], ['/missing', 404]);
    }
  });

  it('reads Caddy access-log lines (as Caddy 2 writes them: ts in seconds, headers as arrays, duration in seconds)', () => {
    const caddy = '{"level":"info","ts":1710078936.5241024,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"172.18.0.9","remote_port":"41342","client_ip":"203.0.113.7","proto":"HTTP/2.0","method":"GET","host":"api.example.com","uri":"/v1/users/42?q=1","headers":{"User-Agent":["curl/8.5.0"],"Accept":["*/*"],"Referer":["https://example.com/"],"X-Forwarded-For":["203.0.113.7"]},"tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"api.example.com"}},"bytes_read":0,"user_id":"","duration":0.000929675,"size":10900,"status":200,"resp_headers":{"Server":["Caddy"],"Content-Type":["application/json"]}}';
    assert.deepEqual(record(json.parse(caddy)), {
      timeMs: 1_710_078_936_524, method: 'GET', target: '/v1/users/42?q=1', status: 200, durationMs: 0.929675, clientIp: '203.0.113.7',
      userAgent: 'curl/8.5.0', referer: 'https://example.com/', host: 'api.example.com', forwardedFor: '203.0.113.7',
    });
    // An older Caddy without client_ip, an authenticated user, and a duration written as a Go duration string.
    const older = '{"level":"error","ts":1710078936.5,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"2001:db8::1","remote_port":"1","proto":"HTTP/1.1","method":"DELETE","host":"h","uri":"/x","headers":{}},"user_id":"alice","duration":"1.5ms","size":0,"status":503}';
    assert.deepEqual(record(json.parse(older)), { timeMs: 1_710_078_936_500, method: 'DELETE', target: '/x', status: 503, durationMs: 1.5, clientIp: '2001:db8::1', host: 'h', userId: 'alice' });
  });

  it('reads flat objects, ISO times and numeric strings', () => {
    assert.deepEqual(record(json.parse('{"timestamp":"2024-03-10T13:55:36.250Z","method":"patch","path":"/a","statusCode":"204","responseTime":3,"ip":"10.1.2.3"}')), {
      timeMs: Date.UTC(2024, 2, 10, 13, 55, 36, 250), method: 'PATCH', target: '/a', status: 204, durationMs: 3, clientIp: '10.1.2.3',
    });
    assert.equal(record(json.parse('{"time":"1710078936","method":"GET","url":"/"}')).timeMs, 1_710_078_936_000);
    assert.equal(record(json.parse('{"time":1710078936000000,"method":"GET","url":"/"}')).timeMs, 1_710_078_936_000);
  });

  it('maps other shapes with --field name=path, dotted keys included', () => {
    const ecs = getFormat('json', { fields: { time: '@timestamp', method: 'http.request.method', path: 'url.original', status: 'http.response.status_code', clientIp: 'client.ip', userAgent: 'user_agent.original', durationMs: 'event.duration_ms' } });
    const line = '{"@timestamp":"2024-03-10T13:55:36.000Z","http":{"request":{"method":"GET"},"response":{"status_code":200}},"url":{"original":"/v1/x"},"client":{"ip":"192.0.2.1"},"user_agent":{"original":"ua"},"event":{"duration_ms":12}}';
    assert.deepEqual(record(ecs.parse(line)), { timeMs: DEFAULT, method: 'GET', target: '/v1/x', status: 200, durationMs: 12, clientIp: '192.0.2.1', userAgent: 'ua' });
    const dotted = getFormat('json', { fields: { time: '@timestamp', path: 'http.url' } });
    assert.equal(record(dotted.parse('{"@timestamp":"2024-03-10T13:55:36Z","method":"GET","http.url":"/dotted"}')).target, '/dotted');
    assert.equal(record(dotted.parse('{"@timestamp":"2024-03-10T13:55:36Z","method":"GET","http":{"url":"/nested"}}')).target, '/nested');
    assert.throws(() => getFormat('json', { fields: { when: 'ts' } }), { code: 'FOOTFALL_ERR_INVALID_FIELD_MAPPING', message: /"when".*the fields are time, method, path/ });
    assert.throws(() => getFormat('json', { fields: { time: '' } }), { code: 'FOOTFALL_ERR_INVALID_FIELD_MAPPING', message: /expected a dotted path/ });
    assert.throws(() => getFormat('json', { fields: { time: 'a..b' } }), { code: 'FOOTFALL_ERR_INVALID_FIELD_MAPPING' });
  });

  it('says why a line is malformed', () => {
    assert.match(reason(json.parse('not json')), /^expected a JSON object, got text that is not JSON$/);
    assert.match(reason(json.parse('[1,2]')), /^expected a JSON object, got an array/);
    assert.match(reason(json.parse('{"level":30,"time":1,"msg":"server listening"}')), /^expected a request method at method, got none/);
    assert.match(reason(json.parse('{"time":1710078936000,"req":{"method":"GET"},"res":{"statusCode":200}}')), /^expected a request path at req\.url/);
    assert.match(reason(json.parse('{"req":{"method":"GET","url":"/"},"res":{"statusCode":200}}')), /^expected a time \(epoch or ISO 8601\) at time, got none/);
    assert.match(reason(json.parse('{"ts":1710078936,"request":{"method":"GET","uri":"/"},"status":0}')), /^expected a status from 100 to 599, got 0/);
    assert.match(reason(json.parse('{"ts":1710078936,"request":{"method":"G ET","uri":"/"}}')), /^expected a request method at request\.method/);
    assert.match(reason(json.parse('{"method":"GET","url":"/"}')), /^expected a time \(epoch or ISO 8601\) at time or timestamp or @timestamp or ts/);
    assert.match(reason(getFormat('json', { fields: { path: 'http.url' } }).parse('{"method":"GET","url":"/"}')), /^expected a request path at http\.url/);
  });
});

const DEFAULT = Date.UTC(2024, 2, 10, 13, 55, 36);
