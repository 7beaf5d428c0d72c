// A Footfall queue worker in its own process, for bench/queue: `queue-worker-process.ts redisUrl prefix`.
// Loads the built package and prints `ready`; then over IPC (JSON): `{ do: 'start', url,
// concurrency }` starts `startWorker` delivering to `collector(url)` and answers when it is
// running; `{ do: 'stats' }` answers `worker.stats()`; `{ do: 'stop' }` closes it and answers its
// last stats. Each answer carries the process's CPU time so far (user + system, µs). The process stays (its JIT warm) from one start to the next.
import { loadFootfall, loadQueue } from './built.js';

const [redisUrl = 'redis://127.0.0.1:6379', prefix = 'bull'] = process.argv.slice(2);
const { collector } = await loadFootfall();
const { startWorker } = await loadQueue();
type Worker = Awaited<ReturnType<typeof startWorker>>;
let worker: Worker | undefined;

process.on('message', (raw) => {
  const message = JSON.parse(String(raw)) as { do: 'start' | 'stats' | 'stop'; url?: string; concurrency?: number };
  void answer(message).then((stats) => process.send?.({ stats: stats ?? null, cpuUs: cpuUs() }), (error: unknown) => process.send?.({ error: String(error) }));
});

async function answer(message: { do: 'start' | 'stats' | 'stop'; url?: string; concurrency?: number }) {
  if (message.do === 'start') {
    worker = await startWorker({ redisUrl, prefix, destination: collector(message.url ?? ''), ...(message.concurrency === undefined ? {} : { concurrency: message.concurrency }) });
    return worker.stats();
  }
  if (message.do === 'stats') return worker?.stats();
  const stopped = await worker?.close();
  worker = undefined;
  return stopped;
}
function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
process.stdout.write('ready\n');
process.on('disconnect', () => process.exit(0));
