/**
 * The offset of the first character at which `text` stops being JSON, or -1 when it is JSON
 * (or too deeply nested to tell). V8 names the position for some errors only ("Unexpected
 * token ']', ..." has none), and a file's reader wants a line and column.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new JsonStop(i);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const string = (): void => {
    i++;
    while (i < text.length) {
      const c = text.charAt(i);
      if (c === '"') return void i++;
      if (c < ' ') fail();
      if (c === '\\') {
        if (!/^\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(i, i + 6))) fail();
        i += text.charAt(i + 1) === 'u' ? 6 : 2;
      } else i++;
    }
    fail();
  };
  const items = (close: string, item: () => void): void => {
    i++;
    space();
    if (text.charAt(i) === close) return void i++;
    for (;;) {
      item();
      space();
      if (text.charAt(i) === close) return void i++;
      if (text.charAt(i) !== ',') fail();
      i++;
    }
  };
  const member = (): void => {
    space();
    if (text.charAt(i) !== '"') fail();
    string();
    space();
    if (text.charAt(i) !== ':') fail();
    i++;
    value();
  };
  const value = (): void => {
    space();
    const c = text.charAt(i);
    if (c === '{') return items('}', member);
    if (c === '[') return items(']', value);
    if (c === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (literal === null) return fail();
    i += literal[0].length;
  };
  try {
    value();
    space();
    return i < text.length ? i : -1;
  } catch (error) {
    return error instanceof JsonStop ? error.offset : -1;
  }
}

class JsonStop {
  constructor(readonly offset: number) {}
}
