// Reads one routes file in a fresh process and prints what it cost as JSON: the time of the
// read (file to sorted routes), the process's peak RSS and its RSS before the read.
// Usage: routes-file-process.ts footfall|js-yaml FILE (js-yaml: the parser Swagger UI and
// Redocly use, for comparison only; it is not a Footfall dependency).
import { readFileSync } from 'node:fs';
import { loadRoutesFile, parseRoutesInput } from '../src/collector/routes-file.js';

const [mode = 'footfall', file = ''] = process.argv.slice(2);
const read = mode === 'js-yaml' ? await jsYamlReader() : loadRoutesFile;
const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
const start = process.hrtime.bigint();
const routes = read(file);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const peakMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ ms, peakMb, rssBeforeMb, routes: routes.length })}\n`);

async function jsYamlReader(): Promise<(path: string) => unknown[]> {
  const name = 'js-yaml';
  const jsYaml = (await import(name)) as { default: { load: (text: string) => unknown } };
  return (path) => parseRoutesInput(jsYaml.default.load(readFileSync(path, 'utf8')), path);
}
