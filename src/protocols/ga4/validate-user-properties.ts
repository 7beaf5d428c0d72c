import { GA4_LIMITS, GA4_RESERVED_USER_PROPERTY_NAMES, GA4_RESERVED_USER_PROPERTY_PREFIXES } from './limits.js';
import { checkName, checkTimestamp, isObject, type CheckMode, type Messages, type NameRules } from './validate-shared.js';

const RULES: NameRules = {
  maxChars: GA4_LIMITS.maxUserPropertyNameChars,
  reserved: GA4_RESERVED_USER_PROPERTY_NAMES,
  reservedPrefixes: GA4_RESERVED_USER_PROPERTY_PREFIXES,
};

/** Validates `user_properties`: names always; with ENFORCE_RECOMMENDATIONS also at most 25, values of 36 characters. */
export function validateUserProperties(properties: unknown, mode: CheckMode, messages: Messages): void {
  if (properties === undefined) return;
  if (!isObject(properties)) {
    messages.push({ fieldPath: 'user_properties', description: 'user_properties must be an object.', validationCode: 'VALUE_INVALID' });
    return;
  }
  const names = Object.keys(properties);
  if (mode.enforce && names.length > GA4_LIMITS.maxUserProperties) {
    messages.push({ fieldPath: 'user_properties', description: `Measurement has ${names.length} user properties; the limit is ${GA4_LIMITS.maxUserProperties}.`, validationCode: 'EXCEEDED_MAX_ENTITIES' });
  }
  for (const name of names) {
    const path = `user_properties.${name}`;
    if (checkName(name, RULES, path, 'User property', messages)) checkProperty(properties[name], path, mode, messages);
  }
}

function checkProperty(property: unknown, path: string, mode: CheckMode, messages: Messages): void {
  if (!isObject(property)) {
    messages.push({ fieldPath: path, description: 'A user property must be an object with a value, e.g. { "value": "gold" }.', validationCode: 'VALUE_INVALID' });
    return;
  }
  const { value } = property;
  if (!('value' in property)) {
    messages.push({ fieldPath: `${path}.value`, description: 'User property requires a value.', validationCode: 'VALUE_REQUIRED' });
  } else if (!mode.enforce) {
    // RELAXED: Google ignores over-limit and wrongly typed values.
  } else if (typeof value === 'string' && value.length > GA4_LIMITS.maxUserPropertyValueChars) {
    messages.push({ fieldPath: `${path}.value`, description: `User property value has ${value.length} characters; the limit is ${GA4_LIMITS.maxUserPropertyValueChars}.`, validationCode: 'VALUE_OUT_OF_BOUNDS' });
  } else if (value !== null && typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
    messages.push({ fieldPath: `${path}.value`, description: 'User property value must be a string or a number.', validationCode: 'VALUE_INVALID' });
  }
  checkTimestamp(property.timestamp_micros, `${path}.timestamp_micros`, 'User property', mode, messages);
}
