import { InvalidArgumentError } from 'commander';
import { parseDurationMs } from '../collector/time-range.js';

/** Flag parsers for the collector: each names what it expected and what it got. */
export function parseRate(value: string): number {
  const rate = Number(value);
  if (value.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) throw new InvalidArgumentError(`expected a share from 0 to 1 (0.2 = 20% of requests), got "${value}".`);
  return rate;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535 (0 picks a free one), got "${value}".`);
  return port;
}

/** A whole number from `min` to `max`, e.g. milliseconds or seconds. */
export function parseWhole(max: number, unit: string, min = 0): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) throw new InvalidArgumentError(`expected a whole number of ${unit} from ${min} to ${max}, got "${value}".`);
    return number;
  };
}

export function parseStatus(value: string): number {
  const status = Number(value);
  if (!/^\d{3}$/.test(value) || status < 400 || status > 599) throw new InvalidArgumentError(`expected an HTTP error status from 400 to 599, got "${value}".`);
  return status;
}

export function parseDuration(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined) throw new InvalidArgumentError(`expected a duration like 30s, 5m or 1h, got "${value}".`);
  return ms;
}

export const parseRatePerS = parseWhole(1000, 'requests per second', 1);
