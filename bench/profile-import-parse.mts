// scratch: profile one format's parse loop
import { getFormat } from '../src/collector/import/formats/index.js';
const spec = process.argv[2] ?? 'combined';
const agent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const lines = Array.from({ length: 200_000 }, (_, i) => spec === 'json'
  ? JSON.stringify({ level: 30, time: 1710000000000 + i, pid: 4242, hostname: 'api-1', req: { id: 1, method: 'GET', url: `/v1/users/${i}`, query: {}, params: {}, headers: { host: 'api.example.com', 'user-agent': agent, accept: '*/*' }, remoteAddress: '10.0.0.1', remotePort: 51234 }, res: { statusCode: 200, headers: { 'content-type': 'application/json' } }, responseTime: 12, msg: 'request completed' })
  : `10.0.${i % 256}.1 - - [10/Mar/2024:13:${String(i % 60).padStart(2, '0')}:36 +0000] "GET /v1/users/${i} HTTP/1.1" 200 1234 "-" "${agent}"`);
const format = getFormat(spec);
let ok = 0;
const cpu = process.cpuUsage();
const start = performance.now();
for (let r = 0; r < 10; r++) for (const line of lines) if (format.parse(line).ok) ok++;
const ms = performance.now() - start;
const used = process.cpuUsage(cpu);
console.log(spec, ok, Math.round((ok / ms) * 1000), 'lines/s wall', Math.round(ok / ((used.user + used.system) / 1e6)), 'lines per CPU s');
let parseOnly = 0;
const s2 = performance.now();
if (spec === 'json') { for (let r = 0; r < 10; r++) for (const line of lines) if (JSON.parse(line) !== null) parseOnly++; console.log('JSON.parse alone', Math.round(parseOnly / (performance.now() - s2) * 1000)); }
