// diagnostics_channel names: every hook event is published here too, so APMs and other tools can
// consume Sightline's events without importing it.
import { channel } from 'node:diagnostics_channel';
import type { HookName } from './metrics-hooks.js';

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
  readonly 'sightline:ws:connect': { readonly remoteAddr: string };
  readonly 'sightline:ws:disconnect': { readonly remoteAddr: string };
  readonly 'sightline:ws:message-sent': { readonly op: string; readonly byteCount: number };
  readonly 'sightline:ws:message-recv': { readonly op: string; readonly byteCount: number };
  readonly 'sightline:request': { readonly op: string; readonly durationSecs: number };
  readonly 'sightline:error': { readonly op: string; readonly errorType: string };
}

export type ChannelName = keyof ChannelMessages;

export const channels = Object.freeze({
  wsConnect: channel(CHANNEL_NAMES.onWsConnect),
  wsDisconnect: channel(CHANNEL_NAMES.onWsDisconnect),
  wsMessageSent: channel(CHANNEL_NAMES.onWsMessageSent),
  wsMessageRecv: channel(CHANNEL_NAMES.onWsMessageRecv),
  request: channel(CHANNEL_NAMES.onRequest),
  error: channel(CHANNEL_NAMES.onError),
});
