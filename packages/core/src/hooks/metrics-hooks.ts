// The MetricsHooks contract: six optional callbacks fired by transports.
import { SightlineConfigError } from '../errors.js';

/**
 * Callbacks a transport (WebSocket server or client, HTTP) fires as traffic flows; every hook optional.
 * Plugins supply them, `setup()` combines them.
 */
export interface MetricsHooks {
  /** A WebSocket connection was established. */
  readonly onWsConnect?: (remoteAddr: string) => void;
  /** A WebSocket connection closed. */
  readonly onWsDisconnect?: (remoteAddr: string) => void;
  /** A frame was sent: the op it carried and the frame's length in bytes. */
  readonly onWsMessageSent?: (op: string, byteCount: number) => void;
  /** A frame was received: the op it carried and the frame's length in bytes. */
  readonly onWsMessageRecv?: (op: string, byteCount: number) => void;
  /** A request completed, in seconds. */
  readonly onRequest?: (op: string, durationSecs: number) => void;
  /** A request failed; `errorType` is the error's class name or a short code. */
  readonly onError?: (op: string, errorType: string) => void;
}

/** The name of a hook, e.g. `onRequest`. */
export type HookName = keyof MetricsHooks;

/** Every hook's name, in a fixed order. */
export const HOOK_NAMES: readonly HookName[] = Object.freeze([
  'onWsConnect',
  'onWsDisconnect',
  'onWsMessageSent',
  'onWsMessageRecv',
  'onRequest',
  'onError',
] as const);

/** A hooks object had a key that is not a hook, or a hook that is not a function. */
export class InvalidHooksError extends SightlineConfigError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_INVALID_HOOKS';
}

/**
 * Validates and freezes a hooks object: unknown names (a typo such as `onRequests`) and values that
 * are not functions are refused here, once, rather than silently never firing.
 */
export function defineHooks(hooks: MetricsHooks): Readonly<MetricsHooks> {
  if (hooks === null || typeof hooks !== 'object') {
    throw new InvalidHooksError(`MetricsHooks must be an object, got ${hooks === null ? 'null' : typeof hooks}`);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(hooks)) {
    const value = (hooks as Record<string, unknown>)[key];
    if (!(HOOK_NAMES as readonly string[]).includes(key)) {
      throw new InvalidHooksError(`Unknown hook ${JSON.stringify(key)}: expected one of ${HOOK_NAMES.join(', ')}`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'function') {
      throw new InvalidHooksError(`Hook ${key} must be a function, got ${typeof value}`);
    }
    out[key] = value;
  }
  return Object.freeze(out);
}
