import { utf8Length } from '../../internal/text.js';
import { findDuplicateKeys } from './duplicate-keys.js';
import type { Ga4ValidationCode } from './limits.js';
import { GA4_LIMITS } from './limits.js';
import { validateEvents } from './validate-events.js';
import { checkTimestamp, describe, isObject, type Messages } from './validate-shared.js';
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

export interface ValidateGa4Options {
  /** "Now" for the 72-hour timestamp window, epoch ms. @default Date.now() */
  nowMs?: number;
}

/** Bodies larger than this are not parsed at all (only the size is reported). */
const MAX_PARSED_BYTES = 1_048_576;

/**
 * Validates a GA4 Measurement Protocol body (a JSON string, bytes, or an object) the way
 * Google's validation server does with `validation_behavior: ENFORCE_RECOMMENDATIONS`, and
 * answers in its shape: an empty `validationMessages` when clean. Never throws.
 */
export function validateGa4(payload: unknown, options: ValidateGa4Options = {}): Ga4ValidationResult {
  const messages: Messages = [];
  try {
    validateInto(payload, options.nowMs ?? Date.now(), messages);
  } catch (error) {
    messages.push({ fieldPath: '', description: `Unable to validate payload: ${describe(error)}.`, validationCode: 'VALUE_INVALID' });
  }
  return { validationMessages: messages };
}

function validateInto(payload: unknown, nowMs: number, messages: Messages): void {
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
  if (!isObject(body)) {
    messages.push({ fieldPath: '', description: 'Measurement Protocol payload must be a JSON object.', validationCode: 'VALUE_INVALID' });
    return;
  }
  for (const path of findDuplicateKeys(text)) {
    messages.push({ fieldPath: path, description: `Field [${path}] is given more than once.`, validationCode: 'NAME_DUPLICATED' });
  }
  validateIdentity(body, messages);
  checkTimestamp(body.timestamp_micros, 'timestamp_micros', 'Measurement', nowMs, messages);
  if (body.user_agent !== undefined && typeof body.user_agent !== 'string') {
    messages.push({ fieldPath: 'user_agent', description: 'user_agent must be a string.', validationCode: 'VALUE_INVALID' });
  }
  validateUserProperties(body.user_properties, nowMs, messages);
  validateEvents(body.events, typeof body.client_id === 'string', nowMs, messages);
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

function validateIdentity(body: Record<string, unknown>, messages: Messages): void {
  const { client_id: clientId, app_instance_id: appInstanceId, user_id: userId } = body;
  if (clientId === undefined && appInstanceId === undefined) {
    messages.push({ fieldPath: 'client_id', description: 'Measurement requires a client_id.', validationCode: 'VALUE_REQUIRED' });
  } else if (clientId !== undefined) {
    checkClientId(clientId, messages);
  } else if (typeof appInstanceId !== 'string' || !/^[0-9a-f]{32}$/i.test(appInstanceId)) {
    messages.push({ fieldPath: 'app_instance_id', description: 'app_instance_id must be 32 hexadecimal characters.', validationCode: 'VALUE_INVALID' });
  }
  if (userId === undefined) return;
  if (typeof userId !== 'string') {
    messages.push({ fieldPath: 'user_id', description: 'user_id must be a string.', validationCode: 'VALUE_INVALID' });
  } else if (userId.length > GA4_LIMITS.maxUserIdChars) {
    messages.push({ fieldPath: 'user_id', description: `user_id has ${userId.length} characters; the limit is ${GA4_LIMITS.maxUserIdChars}.`, validationCode: 'VALUE_OUT_OF_BOUNDS' });
  }
}

const CLIENT_ID = /^\d+\.\d+$/;
const CLIENT_ID_COOKIE = /^GA\d\.\d\.\d+\.\d+$/;

function checkClientId(clientId: unknown, messages: Messages): void {
  if (typeof clientId !== 'string') {
    messages.push({ fieldPath: 'client_id', description: 'client_id must be a string.', validationCode: 'VALUE_INVALID' });
  } else if (clientId.length === 0) {
    messages.push({ fieldPath: 'client_id', description: 'Measurement requires a client_id.', validationCode: 'VALUE_REQUIRED' });
  } else if (!CLIENT_ID.test(clientId) && !CLIENT_ID_COOKIE.test(clientId)) {
    const shown = clientId.length > 40 ? `${clientId.slice(0, 40)}...` : clientId;
    messages.push({ fieldPath: 'client_id', description: `client_id [${shown}] has invalid format. It should be in <number>.<number> format.`, validationCode: 'VALUE_INVALID' });
  }
}
