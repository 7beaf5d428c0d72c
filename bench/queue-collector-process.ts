// Footfall's collector from the built package (SQLite in memory), in its own process, for
// bench/queue: prints its URL; answers 'count' over IPC with the hits it stored.
import { loadCollector } from './built.js';

const { startCollector } = await loadCollector();
const server = await startCollector({ port: 0, memory: true, output: 'none' });
process.stdout.write(`${server.url}\n`);
process.on('message', async () => process.send?.({ stored: await server.store.count(), duplicateHits: server.stats().duplicateHits }));
process.on('disconnect', () => process.exit(0));
