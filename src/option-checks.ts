import { FootfallError, describeValue } from './errors.js';
import { closestName } from './internal/closest-name.js';

/**
 * The checks every options resolver shares (hit options, tracker, adapters): each returns the
 * value or its default, or throws FOOTFALL_ERR_INVALID_OPTION saying what was expected and got.
 */
export function functionOption<T>(name: string, value: T | undefined): T | undefined {
  if (value === undefined || typeof value === 'function') return value;
  throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', name, 'a function', describeValue(value));
}

export function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', name, 'true or false', describeValue(value));
}

/** A safe integer >= `min`; `expected` words it for the message. */
export function integerOption(name: string, value: unknown, fallback: number, min: number, expected = `an integer >= ${min}`): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', name, expected, describeValue(value));
}

/** A safe integer from `min` to `max`; `expected` words it for the message. */
export function boundedIntegerOption(name: string, value: unknown, fallback: number, min: number, max: number, expected = `an integer from ${min} to ${max}`): number {
  const number = integerOption(name, value, fallback, min, expected);
  if (number > max) throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', name, expected, describeValue(value));
  return number;
}

export function oneOfOption<const T extends readonly string[]>(name: string, value: unknown, allowed: T, fallback: T[number]): T[number] {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && allowed.includes(value)) return value;
  const list = allowed.map((item) => `"${item}"`).join(', ');
  throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', name, `one of ${list}`, describeValue(value));
}

/** A share from 0 to 1 (a sample rate, a fault rate). */
export function rateOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', name, 'a number from 0 to 1 (0.2 = 20%)', describeValue(value));
}

/**
 * Refuses keys that are not options (a typo would otherwise be ignored in silence), naming
 * the closest known one (`flushIntervalMS` -> `flushIntervalMs`, `measurmentId` ->
 * `measurementId`). `renamed` maps retired option names to what replaced them, for the message.
 */
export function refuseUnknownKeys(options: object, known: ReadonlySet<string>, owner: string, renamed: Readonly<Record<string, string>> = {}): void {
  for (const key of Object.keys(options)) {
    if (known.has(key)) continue;
    const replacement = renamed[key];
    const close = replacement === undefined ? closestName(key, known) : undefined;
    const hint = replacement !== undefined ? ` (it was replaced by ${replacement})` : close !== undefined ? ` (did you mean \`${close}\`?)` : '';
    throw new FootfallError('FOOTFALL_ERR_UNKNOWN_OPTION', key, owner, hint);
  }
}

/**
 * The option names of an options type, from a record that must list every one of them (the
 * compiler says when an option is added to the type and not here).
 */
export function optionKeys<T extends object>(keys: { readonly [K in keyof Required<T>]: true }): ReadonlySet<string> {
  return new Set(Object.keys(keys));
}

/** Throws when `low` is greater than `high` (two options that bound each other). */
export function orderedOptions(lowName: string, low: number, highName: string, high: number): void {
  if (low > high) throw new FootfallError('FOOTFALL_ERR_CONFLICTING_OPTIONS', lowName, String(low), highName, String(high));
}
