/** Durations accepted by `--since`, `?since=` and `?bucket=`: a number and a unit. */
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d`, `12h`, `15m`, `90s`, `2w` as milliseconds, or undefined when `text` is not one. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d{1,9})([smhdw])$/.exec(text.trim());
  if (match === null) return undefined;
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}

/**
 * A time bound: a duration back from now (`30d`), epoch milliseconds (`1764393600000`), or an
 * ISO 8601 date or date-time (`2026-11-01`, `2026-11-01T12:00:00Z`). Returns epoch ms, or an
 * error message that says what was expected and what was got.
 */
export function parseTimeBound(text: string, nowMs: number): { ms: number } | { error: string } {
  const trimmed = text.trim();
  const duration = parseDurationMs(trimmed);
  if (duration !== undefined) return { ms: nowMs - duration };
  if (/^\d{10,16}$/.test(trimmed)) return { ms: Number(trimmed) };
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (Number.isFinite(ms)) return { ms };
  }
  return { error: `expected a duration like 30d, 12h or 15m, epoch milliseconds, or an ISO date like 2026-11-01, got ${JSON.stringify(text.slice(0, 40))}` };
}
