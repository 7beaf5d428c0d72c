// A local sink in its own process (so it does not share a core's time with the code being
// measured): answers 200 with a small JSON body (every client here accepts it), or never answers with `hang`. Prints its URL, then counts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const hang = process.argv[2] === 'hang';
let requests = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    requests++;
    if (!hang) res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('message', () => process.send?.(requests));
process.on('disconnect', () => process.exit(0));
