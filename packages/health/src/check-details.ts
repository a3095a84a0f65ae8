// What a check reports is user data of any shape and size: it is made safe for a JSON body once,
// when the check runs, so no probe or scrape can fail or balloon on it.
import { errorType, sanitizeLogText } from '@sightline/core/internal';

/** The longest check message kept, in characters; the rest is cut, saying how much. */
export const MAX_CHECK_MESSAGE_LENGTH = 1024;
/** The largest check `details` kept, in bytes of JSON; past it they are replaced by a note. */
export const MAX_CHECK_DETAILS_BYTES = 16 * 1024;

export function boundedMessage(message: string): string {
  return sanitizeLogText(message, MAX_CHECK_MESSAGE_LENGTH);
}

/**
 * `details` as plain JSON data: BigInts as decimal text, a cycle as `"[Circular]"`, functions and
 * symbols dropped (as JSON does); details that cannot be serialised (a throwing getter or toJSON)
 * or are too large are replaced by a note saying why.
 */
/**
 * JSON text of `value`, for data of any shape: BigInts as decimal text, a cycle as `"[Circular]"`.
 * Throws only what a getter or `toJSON` throws.
 */
export function safeStringify(value: unknown): string | undefined {
  const ancestors: unknown[] = [];
  return JSON.stringify(value, function replacer(this: unknown, _key: string, v: unknown) {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v !== 'object' || v === null) return v;
    // `this` is the object holding `v`: trim the path back to it, then look for a cycle.
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(v)) return '[Circular]';
    ancestors.push(v);
    return v;
  });
}

/**
 * `details` as plain JSON data (see `safeStringify`); details that cannot be serialised (a
 * throwing getter or toJSON) or are too large are replaced by a note saying why.
 */
export function safeDetails(details: object): Readonly<Record<string, unknown>> {
  let text: string | undefined;
  try {
    text = safeStringify(details);
  } catch (error) {
    return { error: `details could not be serialised: ${errorType(error)}` };
  }
  if (text === undefined) return {};
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_CHECK_DETAILS_BYTES) return { truncated: true, bytes, limit: MAX_CHECK_DETAILS_BYTES };
  const parsed = JSON.parse(text) as unknown;
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
}
