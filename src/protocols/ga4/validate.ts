import { utf8Length } from '../../internal/text.js';
import { findDuplicateKeys } from './duplicate-keys.js';
import type { Ga4ValidationCode } from './limits.js';
import { GA4_LIMITS } from './limits.js';
import { validateEvents } from './validate-events.js';
import { checkTimestamp, describe, isObject, type CheckMode, type Messages } from './validate-shared.js';
import { validateUserProperties } from './validate-user-properties.js';

/** One message, in the shape Google's validation server (`/debug/mp/collect`) returns. */
export interface Ga4ValidationMessage {
  fieldPath: string;
  description: string;
  validationCode: Ga4ValidationCode;
}

export interface Ga4ValidationResult {
  validationMessages: Ga4ValidationMessage[];
}

/** Google's two validation behaviours; `'payload'` reads the body's own `validation_behavior` (RELAXED when absent), as the validation server does. */
export type Ga4ValidationBehavior = 'ENFORCE_RECOMMENDATIONS' | 'RELAXED' | 'payload';

export interface ValidateGa4Options {
  /** "Now" for the 72-hour timestamp window, epoch ms. @default Date.now() */
  nowMs?: number;
  /** @default 'ENFORCE_RECOMMENDATIONS' (what the library's own payloads must pass) */
  behavior?: Ga4ValidationBehavior;
}

const BEHAVIORS: ReadonlySet<unknown> = new Set(['RELAXED', 'ENFORCE_RECOMMENDATIONS']);

/** Bodies larger than this are not parsed at all (only the size is reported). */
const MAX_PARSED_BYTES = 1_048_576;

/**
 * Validates a GA4 Measurement Protocol body (a JSON string, bytes, or an object) the way
 * Google's validation server does, by default with `validation_behavior: ENFORCE_RECOMMENDATIONS`,
 * and answers in its shape: an empty `validationMessages` when clean. Never throws.
 */
export function validateGa4(payload: unknown, options: ValidateGa4Options = {}): Ga4ValidationResult {
  const messages: Messages = [];
  try {
    validateInto(payload, options.nowMs ?? Date.now(), options.behavior ?? 'ENFORCE_RECOMMENDATIONS', messages);
  } catch (error) {
    messages.push({ fieldPath: '', description: `Unable to validate payload: ${describe(error)}.`, validationCode: 'VALUE_INVALID' });
  }
  return { validationMessages: messages };
}

function validateInto(payload: unknown, nowMs: number, behavior: Ga4ValidationBehavior, messages: Messages): void {
  const text = toText(payload, messages);
  if (text === undefined) return;
  const bytes = utf8Length(text);
  if (bytes > GA4_LIMITS.maxBodyBytes) {
    messages.push({ fieldPath: '', description: `Request body is ${bytes} bytes; the limit is ${GA4_LIMITS.maxBodyBytes} bytes.`, validationCode: 'VALUE_OUT_OF_BOUNDS' });
    if (bytes > MAX_PARSED_BYTES) return;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    messages.push({ fieldPath: '', description: `Unable to parse Measurement Protocol JSON payload. ${describe(error)}`, validationCode: 'VALUE_INVALID' });
    return;
  }
  validateBody(text, body, nowMs, behavior, messages);
}

/**
 * validateGa4 for a text its caller has parsed already, and whose size it has checked (the
 * collector parses each payload once): the same messages otherwise. Never throws.
 */
export function validateGa4Parsed(text: string, body: unknown, options: { nowMs: number; behavior: Ga4ValidationBehavior }): Ga4ValidationResult {
  const messages: Messages = [];
  try {
    validateBody(text, body, options.nowMs, options.behavior, messages);
  } catch (error) {
    messages.push({ fieldPath: '', description: `Unable to validate payload: ${describe(error)}.`, validationCode: 'VALUE_INVALID' });
  }
  return { validationMessages: messages };
}

function validateBody(text: string, body: unknown, nowMs: number, behavior: Ga4ValidationBehavior, messages: Messages): void {
  if (!isObject(body)) {
    messages.push({ fieldPath: '', description: 'Measurement Protocol payload must be a JSON object.', validationCode: 'VALUE_INVALID' });
    return;
  }
  const mode: CheckMode = { nowMs, enforce: enforces(body.validation_behavior, behavior, messages) };
  for (const path of findDuplicateKeys(text)) {
    messages.push({ fieldPath: path, description: `Field [${path}] is given more than once.`, validationCode: 'NAME_DUPLICATED' });
  }
  validateIdentity(body, mode.enforce, messages);
  checkTimestamp(body.timestamp_micros, 'timestamp_micros', 'Measurement', mode, messages);
  if (body.user_agent !== undefined && typeof body.user_agent !== 'string') {
    messages.push({ fieldPath: 'user_agent', description: 'user_agent must be a string.', validationCode: 'VALUE_INVALID' });
  }
  validateUserProperties(body.user_properties, mode, messages);
  validateEvents(body.events, typeof body.client_id === 'string', mode, messages);
}

/** Whether ENFORCE_RECOMMENDATIONS applies; an unknown `validation_behavior` is reported and read as RELAXED. */
function enforces(given: unknown, behavior: Ga4ValidationBehavior, messages: Messages): boolean {
  if (behavior !== 'payload') return behavior === 'ENFORCE_RECOMMENDATIONS';
  if (given === undefined) return false;
  if (!BEHAVIORS.has(given)) {
    messages.push({ fieldPath: 'validation_behavior', description: 'validation_behavior must be RELAXED or ENFORCE_RECOMMENDATIONS.', validationCode: 'VALUE_INVALID' });
  }
  return given === 'ENFORCE_RECOMMENDATIONS';
}

function toText(payload: unknown, messages: Messages): string | undefined {
  if (typeof payload === 'string') return payload;
  if (payload instanceof Uint8Array) return new TextDecoder().decode(payload);
  try {
    const text = JSON.stringify(payload) as string | undefined;
    if (text !== undefined) return text;
  } catch (error) {
    messages.push({ fieldPath: '', description: `Payload cannot be serialised as JSON: ${describe(error)}.`, validationCode: 'VALUE_INVALID' });
    return undefined;
  }
  messages.push({ fieldPath: '', description: 'Measurement Protocol payload must be a JSON object.', validationCode: 'VALUE_INVALID' });
  return undefined;
}

function validateIdentity(body: Record<string, unknown>, enforce: boolean, messages: Messages): void {
  const { client_id: clientId, app_instance_id: appInstanceId, user_id: userId } = body;
  if (clientId === undefined && appInstanceId === undefined) {
    messages.push({ fieldPath: 'client_id', description: 'Measurement requires a client_id.', validationCode: 'VALUE_REQUIRED' });
  } else if (clientId !== undefined) {
    checkClientId(clientId, enforce, messages);
  } else if (typeof appInstanceId !== 'string' || !/^[0-9a-f]{32}$/i.test(appInstanceId)) {
    messages.push({ fieldPath: 'app_instance_id', description: 'app_instance_id must be 32 hexadecimal characters.', validationCode: 'VALUE_INVALID' });
  }
  if (userId === undefined) return;
  if (typeof userId !== 'string') {
    messages.push({ fieldPath: 'user_id', description: 'user_id must be a string.', validationCode: 'VALUE_INVALID' });
  } else if (enforce && userId.length > GA4_LIMITS.maxUserIdChars) {
    messages.push({ fieldPath: 'user_id', description: `user_id has ${userId.length} characters; the limit is ${GA4_LIMITS.maxUserIdChars}.`, validationCode: 'VALUE_OUT_OF_BOUNDS' });
  }
}

const CLIENT_ID = /^\d+\.\d+$/;
const CLIENT_ID_COOKIE = /^GA\d\.\d\.\d+\.\d+$/;

/** Any non-empty string is processed (UUIDs included); ENFORCE_RECOMMENDATIONS asks for Google's `<number>.<number>`. */
function checkClientId(clientId: unknown, enforce: boolean, messages: Messages): void {
  if (typeof clientId !== 'string') {
    messages.push({ fieldPath: 'client_id', description: 'client_id must be a string.', validationCode: 'VALUE_INVALID' });
  } else if (clientId.length === 0) {
    messages.push({ fieldPath: 'client_id', description: 'Measurement requires a client_id.', validationCode: 'VALUE_REQUIRED' });
  } else if (enforce && !CLIENT_ID.test(clientId) && !CLIENT_ID_COOKIE.test(clientId)) {
    const shown = clientId.length > 40 ? `${clientId.slice(0, 40)}...` : clientId;
    messages.push({ fieldPath: 'client_id', description: `client_id [${shown}] has invalid format. It should be in <number>.<number> format.`, validationCode: 'VALUE_INVALID' });
  }
}
