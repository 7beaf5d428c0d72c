import { utf8Length } from '../../internal/text.js';
import { UA_HIT_TYPES, UA_LIMITS, UA_PARAM_MAX_BYTES, UA_TRACKING_ID_PATTERN } from './limits.js';
import { parsePayload } from './params.js';

/** One message, in the shape of Google's `/debug/collect` `parserMessage` entries. */
export interface UaParserMessage {
  messageType: 'ERROR' | 'WARN' | 'INFO';
  description: string;
  parameter?: string;
}

type Values = ReadonlyMap<string, string>;

/** Checks one payload line's own rules (not the batch's). Never throws on a string. */
export function checkPayload(line: string): UaParserMessage[] {
  const messages: UaParserMessage[] = [];
  const bytes = utf8Length(line);
  if (bytes > UA_LIMITS.maxPayloadBytes) {
    messages.push({ messageType: 'ERROR', description: `The hit payload is ${bytes} bytes; the limit is ${UA_LIMITS.maxPayloadBytes} bytes.` });
  }
  const { values, badEscapes } = parsePayload(line);
  for (const { name } of badEscapes) {
    messages.push(error(name, `The value provided for parameter '${show(name)}' has an invalid percent-encoding.`));
  }
  checkRequired(values, messages);
  checkPageview(values, messages);
  checkLengths(values, messages);
  checkQueueTime(values.get('qt'), messages);
  return messages;
}

function checkRequired(values: Values, messages: UaParserMessage[]): void {
  const v = values.get('v');
  if (!v) messages.push(required('v'));
  else if (v !== '1') messages.push(error('v', `The value provided for parameter 'v' is invalid: the protocol version must be 1, not '${show(v)}'.`));
  const tid = values.get('tid');
  if (!tid) messages.push(required('tid'));
  else if (!UA_TRACKING_ID_PATTERN.test(tid)) {
    messages.push(error('tid', `The value provided for parameter 'tid' is invalid: '${show(tid)}' is not a tracking id of the form UA-XXXX-Y.`));
  }
  if (!values.get('cid') && !values.get('uid')) {
    messages.push(error('cid', "A value is required for parameter 'cid' (or 'uid'): every hit needs a client id or a user id."));
  }
  const t = values.get('t');
  if (!t) messages.push(required('t'));
  else if (!UA_HIT_TYPES.has(t)) {
    messages.push(error('t', `The value provided for parameter 't' is invalid: '${show(t)}' is not a hit type (${[...UA_HIT_TYPES].join(', ')}).`));
  }
}

function checkPageview(values: Values, messages: UaParserMessage[]): void {
  const dp = values.get('dp');
  if (dp && !dp.startsWith('/')) {
    messages.push(error('dp', `The value provided for parameter 'dp' is invalid: a document path must start with '/'.`));
  }
  if (values.get('t') !== 'pageview' || values.get('dl') || (values.get('dh') && dp)) return;
  messages.push(error('dl', "A pageview requires parameter 'dl', or both 'dh' and 'dp'."));
}

function checkLengths(values: Values, messages: UaParserMessage[]): void {
  for (const [name, max] of Object.entries(UA_PARAM_MAX_BYTES)) {
    const value = values.get(name);
    if (value === undefined) continue;
    const bytes = utf8Length(value);
    if (bytes > max) messages.push(error(name, `The value provided for parameter '${name}' is ${bytes} bytes; the limit is ${max} bytes.`));
  }
}

function checkQueueTime(qt: string | undefined, messages: UaParserMessage[]): void {
  if (qt === undefined) return;
  if (!/^\d{1,15}$/.test(qt)) {
    messages.push(error('qt', `The value provided for parameter 'qt' is invalid: '${show(qt)}' is not a non-negative integer number of milliseconds.`));
  } else if (Number(qt) > UA_LIMITS.maxQueueTimeMs) {
    messages.push({
      messageType: 'WARN',
      description: `The value provided for parameter 'qt' is ${qt} ms, more than 4 hours (${UA_LIMITS.maxQueueTimeMs} ms): the hit may not be processed.`,
      parameter: 'qt',
    });
  }
}

function required(parameter: string): UaParserMessage {
  return error(parameter, `A value is required for parameter '${parameter}'.`);
}

function error(parameter: string, description: string): UaParserMessage {
  return { messageType: 'ERROR', description, parameter: show(parameter) };
}

/** Shows a name or value in a message, cut short. */
function show(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}...` : value;
}
