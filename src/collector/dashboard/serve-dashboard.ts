import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Serves the dashboard's static files; `handle` answers only its own paths. */
export interface Dashboard {
  /** Answers `req` and returns true when the path is the dashboard's, else returns false untouched. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export interface DashboardOptions {
  /** Directory holding index.html, app.js and style.css. @default found from the package root */
  assetsDir?: string;
}

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly cacheControl: string;
  readonly etag: string;
}

/**
 * Only our own files run, style and connect; nothing may frame the page. uPlot sizes its
 * elements through the CSSOM (`el.style.width = ...`), which `style-src 'self'` allows: it
 * sets no style attributes and injects no <style>, so no 'unsafe-inline' is needed.
 */
export const DASHBOARD_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';
/** Asset URLs in index.html carry a content hash (`?v=`), so a short max-age never serves a stale mix. */
const ASSET_CACHE = 'public, max-age=300';

/** The dashboard's own paths; every other path is left to the collector. */
const ROUTES = new Set(['/', '/index.html', '/assets/app.js', '/assets/style.css', '/vendor/uplot.js', '/vendor/uplot.css']);

/** The dashboard: every file is read once, here, and served from memory. */
export function createDashboard(options: DashboardOptions = {}): Dashboard {
  const assets = loadAssets(options.assetsDir ?? findAssetsDir());
  return {
    handle(req, res) {
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      if (!ROUTES.has(path)) return false;
      const asset = typeof assets === 'string' ? undefined : assets.get(path);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, { 'Allow': 'GET, HEAD', 'Content-Type': TEXT }, 'Method not allowed: the dashboard answers GET and HEAD.\n', req.method);
      } else if (asset === undefined) {
        send(res, 500, { 'Content-Type': TEXT }, `${typeof assets === 'string' ? assets : 'missing'}\n`, req.method);
      } else {
        serveAsset(req, res, asset);
      }
      return true;
    },
  };
}

function serveAsset(req: IncomingMessage, res: ServerResponse, asset: Asset): void {
  const headers = { 'Content-Type': asset.type, 'Cache-Control': asset.cacheControl, 'ETag': asset.etag };
  if (req.headers['if-none-match'] === asset.etag) {
    send(res, 304, headers, '', 'HEAD');
    return;
  }
  send(res, 200, { ...headers, 'Content-Length': String(asset.body.length) }, asset.body, req.method);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer, method: string | undefined): void {
  res.writeHead(status, {
    ...headers,
    'Content-Security-Policy': DASHBOARD_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(method === 'HEAD' ? undefined : body);
}

/**
 * uPlot's file: the copy the build put in dist/dashboard/vendor (so an installed footfall needs
 * no uplot package), else the uplot package (running from source, where it is a dev dependency).
 */
function uplotFile(dir: string, name: string): string {
  const copied = join(dir, 'vendor', name);
  return existsSync(copied) ? copied : createRequire(import.meta.url).resolve(`uplot/dist/${name}`);
}

/** The files by URL path, or a message saying what is missing (served as a 500, so the API keeps working). */
function loadAssets(dir: string | undefined): Map<string, Asset> | string {
  if (dir === undefined) return 'Footfall dashboard: assets not found (looked for dist/dashboard and src/collector/dashboard/assets next to footfall\'s package.json). Reinstall footfall, or rebuild it with `npm run build`.';
  try {
    const app = asset(readFileSync(join(dir, 'app.js')), JS, ASSET_CACHE);
    const style = asset(readFileSync(join(dir, 'style.css')), CSS, ASSET_CACHE);
    const uplotJs = asset(readFileSync(uplotFile(dir, 'uPlot.iife.min.js')), JS, ASSET_CACHE);
    const uplotCss = asset(readFileSync(uplotFile(dir, 'uPlot.min.css')), CSS, ASSET_CACHE);
    const html = readFileSync(join(dir, 'index.html'), 'utf8')
      .replace('/assets/app.js', `/assets/app.js?v=${version(app)}`)
      .replace('/assets/style.css', `/assets/style.css?v=${version(style)}`)
      .replace('/vendor/uplot.js', `/vendor/uplot.js?v=${version(uplotJs)}`)
      .replace('/vendor/uplot.css', `/vendor/uplot.css?v=${version(uplotCss)}`);
    const index = asset(Buffer.from(html), HTML, 'no-cache');
    return new Map([
      ['/', index], ['/index.html', index], ['/assets/app.js', app], ['/assets/style.css', style],
      ['/vendor/uplot.js', uplotJs], ['/vendor/uplot.css', uplotCss],
    ]);
  } catch (error) {
    return `Footfall dashboard: could not read its files in ${dir} or uPlot (the "uplot" package): ${(error as Error).message}`;
  }
}

function asset(body: Buffer, type: string, cacheControl: string): Asset {
  return { body, type, cacheControl, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

function version(file: Asset): string {
  return file.etag.slice(1, 9);
}

/**
 * Finds the assets both from source (tsx: this file is src/collector/dashboard/) and from the
 * build (tsup bundles it into a dist/ chunk, which has the assets copied to dist/dashboard).
 * Walks up to footfall's package.json, then prefers the tree this module runs from, so a
 * stale dist/ never shadows the source during development.
 */
export function findAssetsDir(moduleUrl: string = import.meta.url): string | undefined {
  const here = dirname(fileURLToPath(moduleUrl));
  const root = findPackageRoot(here);
  if (root === undefined) return undefined;
  const fromDist = join(root, 'dist', 'dashboard');
  const fromSrc = join(root, 'src', 'collector', 'dashboard', 'assets');
  const order = here.startsWith(join(root, 'src') + sep) ? [fromSrc, fromDist] : [fromDist, fromSrc];
  return order.find((dir) => existsSync(join(dir, 'index.html')));
}

function findPackageRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (isFootfallRoot(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function isFootfallRoot(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'footfall';
  } catch {
    return false;
  }
}
