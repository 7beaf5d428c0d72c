/**
 * IP truncation, used only inside the anonymous client-id hash: IPv4 keeps its /24 and
 * IPv6 its /48, so the hash groups a consumer's nearby addresses and no full address is
 * ever an input. Nothing here is ever sent.
 */

/** Truncates an IPv4 address to /24 or an IPv6 address to /48; returns '' for anything else. */
export function truncateIp(ip: string | undefined): string {
  if (ip === undefined || ip.length === 0 || ip.length > 64) return '';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1] !== undefined) return truncateIpv4(mapped[1]);
  if (ip.includes(':')) return truncateIpv6(ip);
  return truncateIpv4(ip);
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function truncateIpv4(ip: string): string {
  const match = IPV4.exec(ip);
  if (match === null) return '';
  const [a, b, c, d] = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])];
  return a > 255 || b > 255 || c > 255 || d > 255 ? '' : `${a}.${b}.${c}.0`;
}

function truncateIpv6(ip: string): string {
  const address = ip.split('%')[0] ?? '';
  const groups = expandIpv6(address);
  if (groups === undefined) return '';
  return `${groups.slice(0, 3).join(':')}::`;
}

/** Expands an IPv6 address into its 8 groups (lowercase, no leading zeros), or undefined. */
function expandIpv6(address: string): string[] | undefined {
  if (!/^[0-9a-f:.]+$/i.test(address)) return undefined;
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = splitGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? splitGroups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...Array<string>(Math.max(0, missing)).fill('0'), ...tail];
}

function splitGroups(text: string): string[] | undefined {
  if (text.length === 0) return [];
  const groups = text.split(':');
  const out: string[] = [];
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    out.push(parseInt(group, 16).toString(16));
  }
  return out;
}
