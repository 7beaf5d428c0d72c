import type { Command } from 'commander';
import type { Hit } from '../../core/hit.js';
import { UNMATCHED_ROUTE } from '../../core/hit.js';
import { resolveHitOptions, toHit } from '../../hit-options.js';
import { encodeGa4 } from '../../protocols/ga4/encode.js';
import { validateGa4 } from '../../protocols/ga4/validate.js';
import type { CliIo } from '../run.js';
import { parseCount } from '../parse.js';
import { DEMO_ROUTES, demoRequests } from './demo-traffic.js';

/**
 * `footfall demo`: today, the offline half of the main job. A demo API's requests become
 * hits, GA4 payloads are built and validated locally, and the endpoints nobody called are
 * listed. (The collector and dashboard arrive with the collector issue.)
 */
export function registerDemo(program: Command, io: CliIo, state: { code: number }): void {
  program
    .command('demo')
    .description('turn a demo API\'s requests into GA4 hits, validate them offline, and list unused endpoints')
    .option('-n, --requests <count>', 'how many demo requests to simulate (1-100000)', parseCount, 40)
    .option('--json', 'print the GA4 request bodies as JSON lines instead of the summary')
    .action((options: { requests: number; json?: boolean }) => {
      const context = resolveHitOptions({ hashKey: 'footfall-demo-key (not a secret)', canonicalHost: 'https://api.example.com' });
      const nowMs = Date.now();
      const hits = demoRequests(options.requests, nowMs - options.requests * 1500).map((info) => toHit(info, context));
      const { requests } = encodeGa4(hits, { nowMs });
      const invalid = requests.filter((request) => validateGa4(request.body, { nowMs }).validationMessages.length > 0);
      if (options.json === true) {
        for (const request of requests) io.stdout(`${request.body}\n`);
      } else {
        io.stdout(summary(hits, requests.length, invalid.length));
      }
      if (invalid.length > 0) state.code = 1;
    });
}

function summary(hits: Hit[], requestCount: number, invalidCount: number): string {
  const byPage = new Map<string, { hits: number; clients: Set<string> }>();
  for (const hit of hits) {
    const key = `${hit.method} ${hit.route}`;
    const row = byPage.get(key) ?? { hits: 0, clients: new Set<string>() };
    row.hits++;
    row.clients.add(hit.clientId);
    byPage.set(key, row);
  }
  const lines = [`${hits.length} API requests -> ${hits.length} hits in ${requestCount} GA4 requests (${invalidCount} invalid)`, ''];
  lines.push('endpoint                          hits  consumers');
  for (const [page, row] of [...byPage].sort((a, b) => b[1].hits - a[1].hits)) {
    lines.push(`${page.padEnd(32)} ${String(row.hits).padStart(5)}  ${String(row.clients.size).padStart(9)}`);
  }
  const unused = DEMO_ROUTES.filter((route) => !byPage.has(route));
  lines.push('', `never called (${unused.length} of ${DEMO_ROUTES.length} declared):`, ...unused.map((route) => `  ${route}`));
  lines.push('', `requests matching no route are counted once, as ${UNMATCHED_ROUTE}`, 'example page_location: ' + (hits[0]?.location ?? ''), '');
  return lines.join('\n');
}
