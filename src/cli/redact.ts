/** Replaces the value of every `api_secret` query parameter in `url` with `***`, so a URL can be printed. */
export function maskUrl(url: string): string {
  return url.replace(/([?&]api_secret=)[^&#\s]*/gi, '$1***');
}

/** `text` with every occurrence of each secret (and every `api_secret=` value) replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = maskUrl(text);
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  return out;
}
