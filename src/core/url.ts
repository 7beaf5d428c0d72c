/**
 * Pure, non-throwing URL pieces. `new URL()` throws on the malformed input adapters can
 * receive (invalid escapes, bad hosts), and does far more than a hit needs.
 */

export interface UrlParts {
  /** Lower-case scheme of an absolute URL (`http`/`https`), else ''. */
  readonly protocol: string;
  /** Authority of an absolute URL without credentials, else ''. */
  readonly host: string;
  /** The raw path, '/' at least. */
  readonly path: string;
  /** The raw query without '?', '' when none. */
  readonly query: string;
}

const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

export function splitUrl(url: string): UrlParts {
  let protocol = '';
  let host = '';
  let rest = url;
  const absolute = ABSOLUTE.exec(url);
  if (absolute !== null) {
    protocol = (absolute[1] ?? '').toLowerCase();
    const authority = absolute[2] ?? '';
    host = authority.slice(authority.lastIndexOf('@') + 1);
    rest = absolute[3] ?? '';
  }
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const mark = rest.indexOf('?');
  const path = mark === -1 ? rest : rest.slice(0, mark);
  const query = mark === -1 ? '' : rest.slice(mark + 1);
  return { protocol, host, path: path.startsWith('/') ? path : `/${path}`, query };
}

const HOST_NAME = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.?$/;
const IPV6_LITERAL = /^\[[0-9a-f:.]{2,45}\]$/;

/**
 * Validates and normalises a host (with optional port): lower-case, default port for the
 * protocol removed. Returns '' for anything that is not a plausible host.
 */
export function normalizeHost(raw: string | undefined, protocol: string): string {
  if (raw === undefined) return '';
  const value = raw.trim().toLowerCase();
  if (value.length === 0 || value.length > 260) return '';
  const match = /^(.*?)(?::(\d{1,5}))?$/.exec(value);
  const name = match?.[1] ?? '';
  const port = match?.[2];
  if (!HOST_NAME.test(name) && !IPV6_LITERAL.test(name)) return '';
  if (port === undefined || isDefaultPort(protocol, port)) return name;
  return Number(port) > 65535 ? '' : `${name}:${Number(port)}`;
}

function isDefaultPort(protocol: string, port: string): boolean {
  return (protocol === 'http' && port === '80') || (protocol === 'https' && port === '443');
}

/**
 * A normalised host without its port when the host is a loopback one (127.0.0.0/8,
 * `localhost`, `*.localhost`, `[::1]`): a server on a loopback address is a developer's or a
 * test's, whose random port would make one page per run. Other hosts are returned as given.
 */
export function withoutLoopbackPort(host: string): string {
  const colon = host.lastIndexOf(':');
  if (colon === -1 || host.endsWith(']')) return host;
  const name = host.slice(0, colon);
  return isLoopbackName(name) ? name : host;
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || name === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(name);
}

/** First value of a comma-separated forwarded header. */
export function firstForwarded(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const comma = value.indexOf(',');
  return (comma === -1 ? value : value.slice(0, comma)).trim();
}

/** `http` or `https` when `value` names one of them, else undefined. */
export function webProtocol(value: string | undefined): 'http' | 'https' | undefined {
  // What adapters pass: nothing to clean.
  if (value === 'http' || value === 'https') return value;
  const lower = value?.trim().toLowerCase().replace(/:$/, '');
  return lower === 'http' || lower === 'https' ? lower : undefined;
}

/** Percent-encodes a route template for use as a URL path; '?' and '#' are escaped too. */
export function encodePath(route: string): string {
  return encodeURI(route).replace(/[?#]/g, (c) => (c === '?' ? '%3F' : '%23'));
}
