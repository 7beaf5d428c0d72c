import { GA4_LIMITS, GA4_NAME_PATTERN, type Ga4ValidationCode } from './limits.js';
import { hasReservedPrefix } from './names.js';

export type Messages = { fieldPath: string; description: string; validationCode: Ga4ValidationCode }[];

/**
 * How strictly a body is checked: `enforce` is Google's ENFORCE_RECOMMENDATIONS (types,
 * value lengths, entity counts, client id format, the 72-hour window); without it, RELAXED
 * (Google's default) reports only malformed requests and names.
 */
export interface CheckMode {
  readonly nowMs: number;
  readonly enforce: boolean;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Shows a name or value in a message, cut short. */
export function show(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}...` : value;
}

/**
 * Checks a `timestamp_micros`: an integer (or digit string) of microseconds, and with
 * ENFORCE_RECOMMENDATIONS within the last 72 hours (RELAXED rewrites older ones). Absent is fine.
 */
export function checkTimestamp(value: unknown, fieldPath: string, owner: string, mode: CheckMode, messages: Messages): void {
  if (value === undefined) return;
  const micros = typeof value === 'string' && /^\d{1,20}$/.test(value) ? Number(value) : value;
  if (typeof micros !== 'number' || !Number.isFinite(micros) || !Number.isInteger(micros) || micros < 0) {
    messages.push({ fieldPath, description: `${owner} timestamp_micros must be an integer number of microseconds since the epoch.`, validationCode: 'VALUE_INVALID' });
    return;
  }
  if (!mode.enforce) return;
  const ms = micros / 1000;
  const { nowMs } = mode;
  if (ms < nowMs - GA4_LIMITS.maxAgeMs || ms > nowMs + GA4_LIMITS.maxFutureSkewMs) {
    messages.push({ fieldPath, description: `${owner} timestamp_micros has timestamp [${micros}] which is not within the last 72 hours.`, validationCode: 'VALUE_INVALID' });
  }
}

export interface NameRules {
  readonly maxChars: number;
  readonly reserved: ReadonlySet<string>;
  readonly reservedPrefixes: readonly string[];
}

/** Checks a name against the naming rules; returns false when it was reported. */
export function checkName(name: string, rules: NameRules, fieldPath: string, where: string, messages: Messages): boolean {
  if (hasReservedPrefix(name, rules.reservedPrefixes) || rules.reserved.has(name)) {
    messages.push({ fieldPath, description: `${where} has reserved name [${show(name)}].`, validationCode: 'NAME_RESERVED' });
    return false;
  }
  if (name.length === 0 || !/^[A-Za-z]/.test(name)) {
    messages.push({ fieldPath, description: `${where} has invalid name [${show(name)}]. Names must start with an alphabetic character.`, validationCode: 'NAME_INVALID' });
    return false;
  }
  if (!GA4_NAME_PATTERN.test(name)) {
    messages.push({ fieldPath, description: `${where} has invalid name [${show(name)}]. Only alphanumeric characters and underscores are allowed.`, validationCode: 'NAME_INVALID' });
    return false;
  }
  if (name.length > rules.maxChars) {
    messages.push({ fieldPath, description: `${where} has invalid name [${show(name)}]. Names must be ${rules.maxChars} characters or fewer.`, validationCode: 'NAME_INVALID' });
    return false;
  }
  return true;
}
