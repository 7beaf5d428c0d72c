/**
 * A short, stable name for a consumer's client id, for people: `consumer-` and four base-36
 * characters of a 32-bit FNV-1a hash of the id. The same id always gets the same alias, on
 * every collector; two ids share one about once in 1.7 million pairs. The client id stays the
 * key (the dashboard shows it on hover); hits carry no consumer label of the app's today.
 */
export function clientAlias(client: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < client.length; i++) {
    hash ^= client.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `consumer-${(hash >>> 0).toString(36).padStart(4, '0').slice(-4)}`;
}
