// diagnostics_channel names: every hook event is published here too, so APMs and other tools can
// consume Sightline's events without importing it.
import { channel } from 'node:diagnostics_channel';
import type { HookName } from './metrics-hooks.js';

/** The node:diagnostics_channel channel each hook also publishes on, by hook name. */
export const CHANNEL_NAMES = Object.freeze({
  onWsConnect: 'sightline:ws:connect',
  onWsDisconnect: 'sightline:ws:disconnect',
  onWsMessageSent: 'sightline:ws:message-sent',
  onWsMessageRecv: 'sightline:ws:message-recv',
  onRequest: 'sightline:request',
  onError: 'sightline:error',
} as const satisfies Record<HookName, string>);

/** What each channel publishes. */
export interface ChannelMessages {
  /** Published by `onWsConnect`. */
  readonly 'sightline:ws:connect': { readonly remoteAddr: string };
  /** Published by `onWsDisconnect`. */
  readonly 'sightline:ws:disconnect': { readonly remoteAddr: string };
  /** Published by `onWsMessageSent`. */
  readonly 'sightline:ws:message-sent': { readonly op: string; readonly byteCount: number };
  /** Published by `onWsMessageRecv`. */
  readonly 'sightline:ws:message-recv': { readonly op: string; readonly byteCount: number };
  /** Published by `onRequest`. */
  readonly 'sightline:request': { readonly op: string; readonly durationSecs: number };
  /** Published by `onError`. */
  readonly 'sightline:error': { readonly op: string; readonly errorType: string };
}

/** The name of a diagnostics channel, e.g. `sightline:request`. */
export type ChannelName = keyof ChannelMessages;

/** The diagnostics channels themselves, for subscribing: `channels.request.subscribe(...)`. */
export const channels = Object.freeze({
  wsConnect: channel(CHANNEL_NAMES.onWsConnect),
  wsDisconnect: channel(CHANNEL_NAMES.onWsDisconnect),
  wsMessageSent: channel(CHANNEL_NAMES.onWsMessageSent),
  wsMessageRecv: channel(CHANNEL_NAMES.onWsMessageRecv),
  request: channel(CHANNEL_NAMES.onRequest),
  error: channel(CHANNEL_NAMES.onError),
});
