// Reads one routes file in a fresh process and prints what it cost as JSON: the time of the
// read (file to sorted routes), the process's peak RSS and its RSS before the read.
// Usage: routes-file-process.ts footfall FILE.
import { loadRoutesFile } from '../src/collector/routes-file.js';

const [, file = ''] = process.argv.slice(2);
const read = loadRoutesFile;
const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
const start = process.hrtime.bigint();
const routes = read(file);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const peakMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ ms, peakMb, rssBeforeMb, routes: routes.length })}\n`);

