// A collector (or, with `null`, a bare node:http server that reads the body and answers 204:
// the floor any ingest server pays) in its own process, so the load generator does not share
// its core. Prints its URL. Usage: collector-process.ts file|memory|null [dbFile]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCollector } from '../src/collector/server.js';

const mode = process.argv[2] ?? 'memory';
if (mode === 'null') {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
} else {
  const collector = await startCollector({ port: 0, output: 'none', ...(mode === 'file' ? { dbFile: process.argv[3] ?? 'bench.db' } : { memory: true }) });
  process.stdout.write(`${collector.url}\n`);
}
process.on('disconnect', () => process.exit(0));
