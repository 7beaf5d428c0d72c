/**
 * Query parameter names whose values never leave the process, whatever the query policy.
 * Names are compared after lowercasing and dropping everything but letters and digits, so
 * `api_key`, `API-Key` and `apiKey` are one name.
 */
const EXACT = new Set([
  'key', 'sig', 'code', 'auth', 'pass', 'pwd', 'otp', 'pin', 'sid', 'ssn', 'cvv', 'cvc',
  'state', 'nonce', 'hash', 'email', 'phone', 'ticket', 'csrf', 'xsrf', 'salt',
]);

const CONTAINS = [
  'token', 'secret', 'password', 'passwd', 'apikey', 'accesskey', 'privatekey', 'signature',
  'credential', 'auth', 'session', 'jwt', 'bearer', 'cookie', 'assertion', 'clientkey',
];

export function normalizeParamName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** True when the value of a parameter with this name must never be sent. */
export function isSensitiveName(name: string): boolean {
  const normalized = normalizeParamName(name);
  if (EXACT.has(normalized)) return true;
  for (const part of CONTAINS) {
    if (normalized.includes(part)) return true;
  }
  return false;
}
