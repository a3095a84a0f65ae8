// One rule for every logged value, toolkit-wide: control characters are escaped (a hostile metric
// name or topic cannot forge log lines or drive a terminal), and a value longer than
// MAX_LOG_VALUE_LENGTH characters is cut, saying how much was left out.

/** The longest a logged message or field value gets, in characters, before it is truncated. */
export const MAX_LOG_VALUE_LENGTH = 2048;

// C0 and C1 control characters and DEL; the line and paragraph separators (U+2028, U+2029), which
// some readers break lines on; and the bidirectional controls (U+061C, U+200E-F, U+202A-E,
// U+2066-9), which make a terminal or a log viewer show text in another order than it was logged
// (a right-to-left override can turn a name's tail around). Ordinary spaces stay.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(ch: string): string {
  return NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The text as it may appear in a log: control characters escaped, at most `max` characters. */
export function sanitizeLogText(text: string, max: number = MAX_LOG_VALUE_LENGTH): string {
  let out = text.length > max ? text.slice(0, max) : text;
  if (CONTROL.test(out)) out = out.replace(CONTROL_ALL, escapeControl);
  if (text.length > max) out += `…[${text.length - max} more chars]`;
  return out;
}
