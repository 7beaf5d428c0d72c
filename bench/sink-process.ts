// A local sink in its own process (so it does not share a core's time with the code being
// measured). Modes: `ok` answers 200 with a small JSON body (every client here accepts it);
// `hang` never answers; `chaos` is the seed's test server: per request, 500 with a 20% chance,
// else held 20 s with a 20% chance (then 200), else 200, drawn from a seeded generator.
// Prints its URL, then answers 'stats' with what it saw.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRandom } from '../src/collector/random.js';

const mode = process.argv[2] ?? 'ok';
/** Seeded: the n-th request meets the same fate on every run. */
const random = createRandom(42);
const stats = { requests: 0, connections: 0, maxConnections: 0, answeredEvents: 0 };
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    stats.requests++;
    if (mode === 'hang') return;
    const fail = mode === 'chaos' && random() < 0.2;
    const hold = mode === 'chaos' && random() < 0.2;
    if (fail) return void res.writeHead(500).end();
    const answer = () => {
      if (res.destroyed) return;
      stats.answeredEvents += events(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1}');
    };
    if (hold) setTimeout(answer, 20_000).unref();
    else answer();
  });
});
server.on('connection', (socket) => {
  stats.connections++;
  stats.maxConnections = Math.max(stats.maxConnections, stats.connections);
  socket.on('close', () => stats.connections--);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('message', (message) => {
  if (message === 'reset') stats.maxConnections = stats.connections;
  process.send?.(message === 'count' ? stats.requests : { ...stats });
});
process.on('disconnect', () => process.exit(0));

/** Events in a GA4 body or a /mp/batch body (what a delivered request carried); 1 for anything else. */
function events(body: Buffer): number {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { events?: unknown[] } | { events?: unknown[] }[];
    // Footfall's /mp/batch: an array of GA4 payloads.
    if (Array.isArray(parsed)) return parsed.reduce((sum, payload) => sum + (Array.isArray(payload.events) ? payload.events.length : 0), 0);
    return Array.isArray(parsed.events) ? parsed.events.length : 1;
  } catch {
    return 1;
  }
}
