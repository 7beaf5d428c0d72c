import { getFormat } from '../src/collector/import/formats/index.js';
const format = getFormat('combined');
const A = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
function run(name: string, make: (i: number) => string, n = 300_000) {
  const lines = Array.from({ length: n }, (_, i) => make(i));
  for (let w = 0; w < 2; w++) for (const l of lines) format.parse(l);
  const t = performance.now(); let ok = 0;
  for (let r = 0; r < 5; r++) for (const l of lines) if (format.parse(l).ok) ok++;
  console.log(name, Math.round(ok / (performance.now() - t) * 1000));
}
run('plain', (i) => `10.0.${i % 256}.1 - - [10/Mar/2024:13:${String(i % 60).padStart(2, '0')}:36 +0000] "GET /v1/users/${i} HTTP/1.1" 200 1234 "-" "${A}"`);
run('escaped', (i) => `10.0.${i % 256}.1 - - [10/Mar/2024:13:${String(i % 60).padStart(2, '0')}:36 +0000] "GET /v1/users/${i} HTTP/1.1" 200 1234 "-" "axios/1.6.2 \\"beta\\""`);
run('ipv6', (i) => `2001:db8::${i.toString(16)} - - [10/Mar/2024:13:${String(i % 60).padStart(2, '0')}:36 +0000] "GET /v1/users/${i} HTTP/1.1" 200 1234 "-" "${A}"`);
run('1M plain', (i) => `10.0.${i % 256}.1 - - [10/Mar/2024:13:${String(i % 60).padStart(2, '0')}:36 +0000] "GET /v1/users/${i} HTTP/1.1" 200 1234 "-" "${A}"`, 1_000_000);
