import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectFormat } from '../../src/collector/import/formats/index.js';
import { ALB_LINES, albLine } from './alb-lines.js';
import { combinedLine, commonLine } from './log-lines.js';

const caddy = '{"level":"info","ts":1710078936.52,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"::1","client_ip":"::1","proto":"HTTP/1.1","method":"GET","host":"h","uri":"/","headers":{"User-Agent":["curl/8"]}},"bytes_read":0,"user_id":"","duration":0.001,"size":2,"status":200}';
const pino = '{"level":30,"time":1710078936000,"pid":1,"hostname":"vm","req":{"id":1,"method":"GET","url":"/v1","headers":{"user-agent":"curl/8"},"remoteAddress":"::1","remotePort":5},"res":{"statusCode":200,"headers":{}},"responseTime":1,"msg":"request completed"}';

describe('detectFormat', () => {
  it('names the format of a sample of each', () => {
    const samples: [string, string[]][] = [
      ['combined', Array.from({ length: 10 }, (_, i) => combinedLine({ target: `/v1/${i}`, clientIp: i % 2 === 0 ? '::1' : '10.0.0.1' }))],
      ['combined', [`${combinedLine()} "198.51.100.1" 0.004`, `${combinedLine()} "-" 0.010`]],
      ['common', Array.from({ length: 10 }, (_, i) => commonLine({ target: `/v1/${i}` }))],
      ['json', [pino, caddy, pino]],
      ['alb', [...Object.values(ALB_LINES), albLine()]],
    ];
    for (const [name, lines] of samples) assert.equal(detectFormat(lines)?.name, name, lines[0]);
  });

  it('tries the json candidate with --field mappings', () => {
    const lines = ['{"@timestamp":"2024-03-10T13:55:36Z","verb":"GET","http":{"url":"/a"}}', '{"@timestamp":"2024-03-10T13:55:37Z","verb":"POST","http":{"url":"/b"}}'];
    assert.equal(detectFormat(lines), undefined);
    assert.equal(detectFormat(lines, { fields: { method: 'verb', path: 'http.url' } })?.name, 'json');
  });

  it('goes by the majority: a few malformed lines do not change the answer', () => {
    const lines = [combinedLine(), 'garbage', combinedLine({ request: '-' }), combinedLine(), combinedLine(), '', ''];
    assert.equal(detectFormat(lines)?.name, 'combined');
  });

  it('answers undefined for garbage, for no majority, and for nothing', () => {
    assert.equal(detectFormat(['hello world', 'this is not a log', '<html>', '{"a":1}']), undefined);
    assert.equal(detectFormat([combinedLine(), 'x', 'y', 'z']), undefined);
    assert.equal(detectFormat([combinedLine(), 'x']), undefined);
    assert.equal(detectFormat([]), undefined);
    assert.equal(detectFormat(['', '  ']), undefined);
  });
});
