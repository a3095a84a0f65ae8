// Turns a user's MetricsHooks into a complete, safe object that transports call without checks:
// every hook present, none can throw, each event also published on its diagnostics_channel.
import type { Channel } from 'node:diagnostics_channel';
import { channels } from './channels.js';
import { HOOK_NAMES, type HookName, type MetricsHooks } from './metrics-hooks.js';
import { reportHookFailure } from './safe-call.js';

/** Every hook defined and safe to call; what `toDispatcher` returns. */
export type HookDispatcher = { readonly [K in HookName]-?: NonNullable<MetricsHooks[K]> } & {
  readonly [IS_DISPATCHER]: true;
};

const IS_DISPATCHER = Symbol('sightline.hookDispatcher');

type AnyHook = (a: string, b: never) => void;
type MessageOf = (a: string, b: never) => object;

const ROUTES: Readonly<Record<HookName, readonly [Channel, MessageOf]>> = {
  onWsConnect: [channels.wsConnect, (remoteAddr) => ({ remoteAddr })],
  onWsDisconnect: [channels.wsDisconnect, (remoteAddr) => ({ remoteAddr })],
  onWsMessageSent: [channels.wsMessageSent, (op, byteCount: number) => ({ op, byteCount })],
  onWsMessageRecv: [channels.wsMessageRecv, (op, byteCount: number) => ({ op, byteCount })],
  onRequest: [channels.request, (op, durationSecs: number) => ({ op, durationSecs })],
  onError: [channels.error, (op, errorType: string) => ({ op, errorType })],
};

function route(name: HookName, fn: AnyHook | undefined): AnyHook {
  const [channel, message] = ROUTES[name];
  // The message object is built only when somebody listens: no hook and no subscriber costs
  // one property read.
  if (!fn) {
    return (a, b) => {
      if (channel.hasSubscribers) channel.publish(message(a, b));
    };
  }
  return (a, b) => {
    try {
      fn(a, b);
    } catch (error) {
      reportHookFailure(name, error);
    }
    if (channel.hasSubscribers) channel.publish(message(a, b));
  };
}

const cache = new WeakMap<MetricsHooks, HookDispatcher>();

function build(hooks: MetricsHooks | undefined): HookDispatcher {
  const out: Record<string | symbol, unknown> = { [IS_DISPATCHER]: true };
  for (const name of HOOK_NAMES) out[name] = route(name, hooks?.[name]);
  return Object.freeze(out) as HookDispatcher;
}

const NO_HOOKS = build(undefined);

/**
 * The dispatcher for a hooks object, built once per object and cached. Transports call this at
 * construction and then call its methods on the hot path.
 */
export function toDispatcher(hooks: MetricsHooks | undefined): HookDispatcher {
  if (!hooks) return NO_HOOKS;
  if ((hooks as Partial<HookDispatcher>)[IS_DISPATCHER]) return hooks as HookDispatcher;
  let dispatcher = cache.get(hooks);
  if (!dispatcher) {
    dispatcher = build(hooks);
    cache.set(hooks, dispatcher);
  }
  return dispatcher;
}
