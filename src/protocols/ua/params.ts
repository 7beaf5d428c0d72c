import { cutEncoded, wellFormed } from '../../internal/text.js';
import { UA_PARAM_MAX_BYTES } from './limits.js';

/** One `name=value` pair of a payload; the value is already URI-encoded. */
export type UaParam = readonly [name: string, value: string];

/**
 * Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. Lone
 * surrogates count 3 bytes (as U+FFFD), the same as `utf8Length`.
 */
export function cutBytes(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const code = text.codePointAt(end) ?? 0;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += code > 0xffff ? 2 : 1;
  }
  return text.slice(0, end);
}

/** A parameter with its value made well-formed, cut to the parameter's byte limit, and URI-encoded. */
export function param(name: string, raw: string): UaParam {
  const max = UA_PARAM_MAX_BYTES[name];
  const value = wellFormed(raw);
  return [name, encodeURIComponent(max === undefined ? value : cutBytes(value, max))];
}

/** `name=value&...`, in the given order. Every character is ASCII, so length equals bytes. */
export function serialize(params: readonly UaParam[]): string {
  return params.map(([name, value]) => `${name}=${value}`).join('&');
}

/**
 * Shortens the named parameters, in order, until the serialized payload is at most
 * `maxLength` characters. A parameter cut to nothing is dropped. Returns a new list.
 */
export function shorten(params: readonly UaParam[], order: readonly string[], maxLength: number): UaParam[] {
  const out = [...params];
  let excess = serialize(out).length - maxLength;
  for (const name of order) {
    if (excess <= 0) break;
    const index = out.findIndex(([key]) => key === name);
    const value = out[index]?.[1];
    if (value === undefined) continue;
    const cut = value.length > excess ? cutEncoded(value, value.length - excess) : '';
    if (cut.length === 0) {
      out.splice(index, 1);
      excess -= value.length + name.length + 2;
    } else {
      out[index] = [name, cut];
      excess -= value.length - cut.length;
    }
  }
  return out;
}

/** A parameter whose name or value has an invalid percent-encoding. */
export interface UaBadEscape {
  readonly name: string;
}

export interface ParsedPayload {
  /** Decoded values; the first occurrence of a name wins. */
  readonly values: ReadonlyMap<string, string>;
  readonly badEscapes: readonly UaBadEscape[];
}

/** Parses one form-encoded payload (`+` is a space). Never throws. */
export function parsePayload(line: string): ParsedPayload {
  const values = new Map<string, string>();
  const badEscapes: UaBadEscape[] = [];
  for (const pair of line.split('&')) {
    if (pair.length === 0) continue;
    const equals = pair.indexOf('=');
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    const name = decodeForm(rawName);
    const value = equals === -1 ? '' : decodeForm(pair.slice(equals + 1));
    if (name === undefined || value === undefined) badEscapes.push({ name: name ?? rawName });
    else if (!values.has(name)) values.set(name, value);
  }
  return { values, badEscapes };
}

function decodeForm(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
