import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getFormat } from '../../src/collector/import/formats/index.js';
import { ALB_LINES, albLine } from './alb-lines.js';
import { reason, record } from './parsed.js';

const alb = getFormat('alb');



const TIME = Date.UTC(2018, 6, 2, 22, 23, 0, 186);

describe('alb', () => {
  it('reads the entries of AWS\'s documentation: HTTP, HTTPS, HTTP/2, WebSockets', () => {
    assert.deepEqual(record(alb.parse(ALB_LINES.http)), {
      timeMs: TIME, method: 'GET', target: 'http://www.example.com:80/', status: 200, durationMs: 1, clientIp: '192.168.131.39', userAgent: 'curl/7.46.0', host: 'www.example.com',
    });
    const https = record(alb.parse(ALB_LINES.https));
    assert.equal(https.target, 'https://www.example.com:443/');
    assert.ok(Math.abs((https.durationMs ?? 0) - 171) < 1e-9, String(https.durationMs));
    assert.deepEqual([record(alb.parse(ALB_LINES.h2)).host, record(alb.parse(ALB_LINES.h2)).clientIp], ['10.0.2.105', '10.0.1.252']);
    const ws = record(alb.parse(ALB_LINES.ws));
    assert.deepEqual([ws.status, ws.userAgent], [101, undefined]);
  });

  it('leaves the duration out when a processing time is -1, and the status when it is -', () => {
    const unreachable = record(alb.parse(albLine({ times: '-1 -1 -1', elbStatus: '503', targetStatus: '-', target: '-' })));
    assert.equal(unreachable.durationMs, undefined);
    assert.equal(unreachable.status, 503);
    assert.equal(record(alb.parse(albLine({ times: '0.001 -1 -1', elbStatus: '-' }))).status, undefined);
  });

  it('reads IPv6 clients, escaped user agents, a query in the URL, and fields AWS added later', () => {
    const parsed = record(alb.parse(albLine({ client: '[2001:db8::1]:40914', request: 'post https://[2001:db8::5]:443/v1/x?y=1 HTTP/2.0', userAgent: 'ua \\"q\\"' })));
    assert.deepEqual([parsed.clientIp, parsed.method, parsed.target, parsed.host, parsed.userAgent], ['2001:db8::1', 'POST', 'https://[2001:db8::5]:443/v1/x?y=1', '[2001:db8::5]', 'ua "q"']);
    assert.equal(record(alb.parse(albLine({ client: '2001:db8::1:40914' }))).clientIp, '2001:db8::1');
    assert.ok(alb.parse(`${albLine()} "new field" 123`).ok);
  });

  it('says why a line is malformed', () => {
    // What the load balancer logs for a request it could not parse.
    assert.match(reason(alb.parse(albLine({ request: '- http://www.example.com:80- -' }))), /^expected a request "METHOD target HTTP\/x\.y"/);
    assert.match(reason(alb.parse(albLine({ elbStatus: '000' }))), /^expected an elb_status_code from 100 to 599, got "000"/);
    assert.match(reason(alb.parse(ALB_LINES.http.replace('2018-07-02T22:23:00.186641Z', 'yesterday'))), /^expected a time like 2018-07-02T22:23:00.186641Z/);
    assert.match(reason(alb.parse(ALB_LINES.http.replace(/^http/, 'ftp'))), /^expected a type \(http, https, h2, grpcs, ws, wss\) first, got "ftp"/);
    assert.match(reason(alb.parse(ALB_LINES.http.slice(0, 120))), /^expected a closing quote for field 13|^expected at least 14 fields/);
    assert.match(reason(alb.parse('http 2018-07-02T22:23:00.186641Z app/x')), /^expected at least 14 fields, got 3/);
  });
});
