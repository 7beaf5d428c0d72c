import {
  GA4_LIMITS,
  GA4_LONG_PARAMS,
  GA4_RESERVED_EVENT_NAMES,
  GA4_RESERVED_PARAM_NAMES,
  GA4_RESERVED_PARAM_PREFIXES,
  GA4_RESERVED_WEB_EVENT_NAMES,
} from './limits.js';
import { checkName, checkTimestamp, isObject, show, type CheckMode, type Messages, type NameRules } from './validate-shared.js';

const EVENT_RULES: NameRules = { maxChars: GA4_LIMITS.maxNameChars, reserved: GA4_RESERVED_EVENT_NAMES, reservedPrefixes: ['firebase_', 'ga_', 'google_'] };
const WEB_EVENT_RULES: NameRules = { ...EVENT_RULES, reserved: new Set([...GA4_RESERVED_EVENT_NAMES, ...GA4_RESERVED_WEB_EVENT_NAMES]) };
export const PARAM_RULES: NameRules = { maxChars: GA4_LIMITS.maxNameChars, reserved: GA4_RESERVED_PARAM_NAMES, reservedPrefixes: GA4_RESERVED_PARAM_PREFIXES };
/** RELAXED: Google ignores over-long parameter names instead of reporting them. */
const RELAXED_PARAM_RULES: NameRules = { ...PARAM_RULES, maxChars: Number.POSITIVE_INFINITY };

/** The naming rules for event names: web streams (client_id) reserve a few more. */
export function eventRules(isWeb: boolean): NameRules {
  return isWeb ? WEB_EVENT_RULES : EVENT_RULES;
}

/** Validates `events`: 1 to 25 events, each with a valid name, params and timestamp (types and limits only with ENFORCE_RECOMMENDATIONS). */
export function validateEvents(events: unknown, isWeb: boolean, mode: CheckMode, messages: Messages): void {
  if (events === undefined) {
    messages.push({ fieldPath: 'events', description: 'Measurement requires events.', validationCode: 'VALUE_REQUIRED' });
    return;
  }
  if (!Array.isArray(events)) {
    messages.push({ fieldPath: 'events', description: 'events must be an array of events.', validationCode: 'VALUE_INVALID' });
    return;
  }
  if (events.length === 0) {
    messages.push({ fieldPath: 'events', description: 'Measurement requires at least one event.', validationCode: 'VALUE_REQUIRED' });
  } else if (events.length > GA4_LIMITS.maxEventsPerRequest) {
    messages.push({ fieldPath: 'events', description: `Measurement has ${events.length} events; the limit is ${GA4_LIMITS.maxEventsPerRequest}.`, validationCode: 'EXCEEDED_MAX_ENTITIES' });
  }
  events.forEach((event, index) => validateEvent(event, index, eventRules(isWeb), mode, messages));
}

function validateEvent(event: unknown, index: number, rules: NameRules, mode: CheckMode, messages: Messages): void {
  const path = `events[${index}]`;
  if (!isObject(event)) {
    messages.push({ fieldPath: path, description: `Event at index: [${index}] must be an object.`, validationCode: 'VALUE_INVALID' });
    return;
  }
  const { name } = event;
  if (name === undefined || name === '') {
    messages.push({ fieldPath: `${path}.name`, description: `Event at index: [${index}] requires a name.`, validationCode: 'VALUE_REQUIRED' });
  } else if (typeof name !== 'string') {
    messages.push({ fieldPath: `${path}.name`, description: `Event at index: [${index}] has a name that is not a string.`, validationCode: 'VALUE_INVALID' });
  } else {
    checkName(name, rules, `${path}.name`, `Event at index: [${index}]`, messages);
  }
  checkTimestamp(event.timestamp_micros, `${path}.timestamp_micros`, `Event at index: [${index}]`, mode, messages);
  if (event.params !== undefined) validateParams(event.params, `${path}.params`, index, mode.enforce, messages);
}

function validateParams(params: unknown, path: string, index: number, enforce: boolean, messages: Messages): void {
  if (!isObject(params)) {
    messages.push({ fieldPath: path, description: `Event at index: [${index}] has params that are not an object.`, validationCode: 'VALUE_INVALID' });
    return;
  }
  const names = Object.keys(params);
  if (enforce && names.length > GA4_LIMITS.maxParamsPerEvent) {
    messages.push({ fieldPath: path, description: `Event at index: [${index}] has ${names.length} params; the limit is ${GA4_LIMITS.maxParamsPerEvent}.`, validationCode: 'EXCEEDED_MAX_ENTITIES' });
  }
  for (const name of names) {
    const where = `Event at index: [${index}] param [${show(name)}]`;
    if (!checkName(name, enforce ? PARAM_RULES : RELAXED_PARAM_RULES, `${path}.${name}`, `Event at index: [${index}] param`, messages)) continue;
    if (name === 'items') validateItems(params[name], `${path}.items`, where, enforce, messages);
    else if (enforce) checkValue(name, params[name], `${path}.${name}`, where, messages);
  }
}

function checkValue(name: string, value: unknown, fieldPath: string, where: string, messages: Messages): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) messages.push({ fieldPath, description: `${where} has a number that is not finite.`, validationCode: 'VALUE_INVALID' });
    return;
  }
  if (typeof value === 'boolean' && name === 'debug_mode') return;
  if (typeof value !== 'string') {
    messages.push({ fieldPath, description: `${where} has a value that is not a string or number.`, validationCode: 'VALUE_INVALID' });
    return;
  }
  const max = GA4_LONG_PARAMS[name] ?? GA4_LIMITS.maxParamValueChars;
  if (value.length > max) {
    messages.push({ fieldPath, description: `${where} has a value of ${value.length} characters; the limit is ${max}.`, validationCode: 'VALUE_OUT_OF_BOUNDS' });
  }
}

function validateItems(items: unknown, path: string, where: string, enforce: boolean, messages: Messages): void {
  if (!Array.isArray(items)) {
    messages.push({ fieldPath: path, description: `${where} must be an array of items.`, validationCode: 'VALUE_INVALID' });
    return;
  }
  items.forEach((item, itemIndex) => {
    const itemPath = `${path}[${itemIndex}]`;
    if (!isObject(item)) {
      messages.push({ fieldPath: itemPath, description: `${where} item at index [${itemIndex}] must be an object.`, validationCode: 'VALUE_INVALID' });
      return;
    }
    const names = Object.keys(item);
    if (enforce && names.length > GA4_LIMITS.maxItemParams) {
      messages.push({ fieldPath: itemPath, description: `${where} item at index [${itemIndex}] has ${names.length} params; the limit is ${GA4_LIMITS.maxItemParams}.`, validationCode: 'EXCEEDED_MAX_ENTITIES' });
    }
    for (const name of names) {
      const itemWhere = `${where} item at index [${itemIndex}]`;
      if (checkName(name, enforce ? PARAM_RULES : RELAXED_PARAM_RULES, `${itemPath}.${name}`, `${itemWhere} param`, messages) && enforce) {
        checkValue(name, item[name], `${itemPath}.${name}`, `${itemWhere} param [${show(name)}]`, messages);
      }
    }
  });
}
