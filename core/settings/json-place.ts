// Where a settings file stops being JSON, as a line and column a person can go to. The place comes from
// the parser's own error: Node 20 says "... in JSON at position 17", Node 22 adds "(line 2 column 5)",
// and both leave it out of some ("Unexpected token 'o', "…" is not valid JSON", "Unexpected end of
// JSON input"); then a small scan of the text finds the first character that cannot be JSON.
import fs from 'node:fs';

/** The settings file is not JSON: where, and why in words. */
export class NotJsonError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`it is not valid JSON at line ${line}, column ${column} (${reason})`);
    this.name = 'NotJsonError';
  }
}

/** Line and column (both from 1) of an offset into the text. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

/** The parser's complaints in words a person editing the file can act on. */
const complaints: readonly [RegExp, string][] = [
  [/^Unexpected end of JSON input/, 'the file ends before the settings do: a closing } or ] may be missing'],
  [/^Unexpected non-whitespace character after JSON/, 'there is more after the closing }'],
  [/^Expected ',' or '}' after property value/, 'a comma or a closing } is missing before this'],
  [/^Expected ',' or ']' after array element/, 'a comma or a closing ] is missing before this'],
  [/^Expected double-quoted property name/, 'a name in double quotes is expected here (is there a comma too many?)'],
  [/^Expected ':' after property name/, 'a colon is missing after the name'],
  [/^Bad control character in string literal/, 'a line break or tab inside quotes (write \\n or \\t)'],
  [/^Bad escaped character/, 'a backslash that starts no escape (write \\\\ for one backslash)'],
  [/^Unterminated string/, 'a text in quotes is not closed'],
];

/** The parser's message in words, without its position and without the copy of the text. */
function reasonOf(message: string): string {
  for (const [pattern, words] of complaints) if (pattern.test(message)) return words;
  const token = /^Unexpected token '(.+?)'(,| in JSON)/s.exec(message) ?? /^Unexpected token (\S)/.exec(message);
  if (token) return /^[A-Za-z]/.test(token[1]!) ? `"${token[1]}" cannot be here (text must be in double quotes)` : `"${token[1]}" cannot be here`;
  const bare = message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s*in JSON at position \d+/, '')
    .replace(/, ".*" is not valid JSON$/s, '')
    .trim();
  return bare ? bare.charAt(0).toLowerCase() + bare.slice(1) : 'it is not JSON';
}

/** The offset of the first character that cannot be part of JSON text (text.length when it ends too soon). */
export function firstBadOffset(text: string): number | undefined {
  let i = 0;
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === undefined) fail();
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') fail();
        string();
        space();
        if (text[i] !== ':') fail();
        i++;
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) return void (i += word.length);
    }
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!number) fail();
    i += number![0].length;
  };
  const string = () => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') fail();
      if (c === '"') return void i++;
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i += 1; // Node places a bad escape at the character after the backslash
          fail();
        }
      } else i++;
    }
  };
  try {
    value();
    space();
    return i < text.length ? i : undefined;
  } catch (offset) {
    return offset as number;
  }
}

/** Where a JSON.parse error of this text happened, from the message if it says, from the text otherwise. */
export function notJsonError(error: SyntaxError, text: string): NotJsonError {
  const reason = reasonOf(error.message);
  const said = /\(line (\d+) column (\d+)\)/.exec(error.message);
  if (said) return new NotJsonError(Number(said[1]), Number(said[2]), reason);
  const position = /at position (\d+)/.exec(error.message);
  const offset = position ? Number(position[1]) : /Unexpected end of JSON input/.test(error.message) ? text.length : (firstBadOffset(text) ?? text.length);
  const { line, column } = lineAndColumn(text, offset);
  return new NotJsonError(line, column, reason);
}

/**
 * Reads a store whose file is JSON (conf, electron-store): a file that is not JSON throws a NotJsonError
 * naming the line and column; any other error is thrown as it is. A blank file holds nothing to lose,
 * so it reads as no settings (and is written over on the first change).
 */
export function readJsonStore<T>(file: string, read: () => T): T | Record<string, never> {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw error;
    }
    if (text.trim() === '') return {};
    throw notJsonError(error, text);
  }
}
