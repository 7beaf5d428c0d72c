import type { TimeRange } from '../types.js';

/**
 * The grains the rollups are kept at (UTC): hours, days, and blocks of 32 days (a client's
 * presence on an endpoint is a 32-bit mask of days per block).
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const HOURS_PER_DAY = 24;
export const DAYS_PER_BLOCK = 32;

/**
 * Stand-ins for an open end of a range: far enough out (about ±5 700 years) never to cut off a
 * hit, and whole blocks, so an open end never makes an edge to read from raw hits.
 */
export const OPEN_START_MS = -(2 ** 16) * DAYS_PER_BLOCK * DAY_MS;
export const OPEN_END_MS = -OPEN_START_MS;

/** A half-open interval [from, to) of epoch ms or of grain indexes. */
export type Span = readonly [from: number, to: number];

/**
 * How a range is read: whole hours from the hourly rollups, the partial hours at either end
 * from raw hits. Durations and clients also have daily rollups: their whole days are split
 * further at the fold mark (splitAtFold), and only the hours outside whole days always come
 * from the hourly ones.
 */
export interface RangePlan {
  readonly sinceMs: number;
  readonly untilMs: number;
  /** Epoch-ms spans read from raw hits (less than an hour each). */
  readonly raw: readonly Span[];
  /** Hour indexes read from the hourly rollups (hits, statuses, first/last seen). */
  readonly hours: Span | null;
  /** Hour indexes outside whole days (durations, clients). */
  readonly edgeHours: readonly Span[];
  /** Day indexes of the whole days (durations, clients). */
  readonly days: Span | null;
}

export function planRange(range: TimeRange): RangePlan {
  const sinceMs = range.sinceMs ?? OPEN_START_MS;
  const untilMs = range.untilMs ?? OPEN_END_MS;
  const base = { sinceMs, untilMs, edgeHours: [], days: null };
  if (untilMs <= sinceMs) return { ...base, raw: [], hours: null };
  const fromHour = Math.ceil(sinceMs / HOUR_MS);
  const toHour = Math.floor(untilMs / HOUR_MS);
  if (fromHour >= toHour) return { ...base, raw: [[sinceMs, untilMs]], hours: null };
  const raw = nonEmpty([[sinceMs, fromHour * HOUR_MS], [toHour * HOUR_MS, untilMs]]);
  const fromDay = Math.ceil(fromHour / HOURS_PER_DAY);
  const toDay = Math.floor(toHour / HOURS_PER_DAY);
  if (fromDay >= toDay) return { ...base, raw, hours: [fromHour, toHour], edgeHours: [[fromHour, toHour]] };
  const edgeHours = nonEmpty([[fromHour, fromDay * HOURS_PER_DAY], [toDay * HOURS_PER_DAY, toHour]]);
  return { sinceMs, untilMs, raw, hours: [fromHour, toHour], edgeHours, days: [fromDay, toDay] };
}

/** Whole days split at the fold mark: daily rollups before it, hourly ones (hour indexes) from it. */
export interface FoldSplit {
  readonly daily: Span | null;
  readonly hourly: Span | null;
}

/**
 * Splits whole days at the fold mark: days before it read from the daily rollups, days from
 * it on from the hourly ones (as hour indexes).
 */
export function splitAtFold(days: Span | null, foldedBeforeDay: number): FoldSplit {
  if (days === null) return { daily: null, hourly: null };
  const [fromDay, toDay] = days;
  const split = Math.min(Math.max(foldedBeforeDay, fromDay), toDay);
  return {
    daily: split > fromDay ? [fromDay, split] : null,
    hourly: toDay > split ? [split * HOURS_PER_DAY, toDay * HOURS_PER_DAY] : null,
  };
}

/** The hours read from hourly rollups that also have daily ones: outside whole days, and the unfolded days. */
export function hourSpans(plan: RangePlan, split: FoldSplit): Span[] {
  return split.hourly === null ? [...plan.edgeHours] : [...plan.edgeHours, split.hourly];
}

/** One block of a day span and the mask of its days that fall inside the span. */
export interface BlockMask {
  readonly block: number;
  readonly mask: number;
}

/** The first and last block of a day span with their masks (one entry when they are the same block). */
export function blockMasks(days: Span): { first: BlockMask; last: BlockMask } {
  const [fromDay, toDay] = days;
  const firstBlock = Math.floor(fromDay / DAYS_PER_BLOCK);
  const lastBlock = Math.floor((toDay - 1) / DAYS_PER_BLOCK);
  const low = fromDay - firstBlock * DAYS_PER_BLOCK;
  const high = toDay - lastBlock * DAYS_PER_BLOCK;
  if (firstBlock === lastBlock) return { first: { block: firstBlock, mask: 2 ** high - 2 ** low }, last: { block: lastBlock, mask: 2 ** high - 2 ** low } };
  return { first: { block: firstBlock, mask: 2 ** DAYS_PER_BLOCK - 2 ** low }, last: { block: lastBlock, mask: 2 ** high - 1 } };
}

/** `floor(value / divisor)` in SQL for any sign (SQLite's `/` truncates toward zero). */
export function sqlFloorDiv(value: string, divisor: number): string {
  return `((${value}) - (((${value}) % ${divisor}) + ${divisor}) % ${divisor}) / ${divisor}`;
}

function nonEmpty(spans: Span[]): Span[] {
  return spans.filter(([from, to]) => to > from);
}
