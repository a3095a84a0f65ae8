// A thrown value as text for a log line or an error message. Anything can be thrown: `(e as Error)
// .message` prints `undefined` for a string or a plain object, so every package goes through this.

const MAX_LENGTH = 500;

function clip(text: string): string {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}...` : text;
}

function safeString(value: unknown): string | undefined {
  try {
    const text = String(value);
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `error` as one line of text, never throwing: an Error as `name: message`, a string as itself, an object with a string `message` by that message, anything
 * else by `String()`, or JSON, or its type when both fail (null-prototype objects, a throwing
 * `toString`). Long text is cut at 500 characters.
 */
export function errorText(error: unknown): string {
  try {
    if (typeof error === 'string') return clip(error);
    if (error instanceof Error) {
      const message = typeof error.message === 'string' ? error.message : (safeString(error.message) ?? '');
      const name = typeof error.name === 'string' && error.name !== '' ? error.name : 'Error';
      return clip(message === '' ? name : `${name}: ${message}`);
    }
    if (error !== null && typeof error === 'object') {
      const message = (error as { message?: unknown }).message;
      if (typeof message === 'string') return clip(message);
      const text = safeString(error);
      if (text !== undefined && text !== '[object Object]') return clip(text);
      try {
        const json = JSON.stringify(error);
        if (typeof json === 'string') return clip(json);
      } catch {
        // circular or a throwing toJSON: fall through to the type
      }
      return text ?? 'an object (not printable)';
    }
    return clip(safeString(error) ?? `a ${typeof error} (not printable)`);
  } catch {
    // A getter on `message` or `name` threw.
    return 'an error (not printable)';
  }
}
