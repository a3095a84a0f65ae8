// The last step of every way a client gets its settings (`new StatsClient()`, the settings
// loader): port 443 means TLS unless `tls` was set, the prefix loses its trailing dots, and the
// rules between settings are checked, each failure naming where the settings at fault came from.
import { describeSettingOrigin, StatsConfigError, type SettingSource } from './errors.js';
import { SETTING_NAMES, withoutTrailingDots, type ResolvedConfig, type SettingName, type SettingOrigin } from './options.js';

/** Where each setting came from. */
export type SettingOrigins = Readonly<Record<SettingName, SettingOrigin>>;

/** The origin of a setting nobody gave. */
export const DEFAULT_ORIGIN: SettingOrigin = Object.freeze({ source: 'default', origin: 'default' });

/** Origins of options given in code: those present came from `caller`, the rest are defaults. */
export function originsOfOptions(options: object, caller: string): Record<SettingName, SettingOrigin> {
  const given: SettingOrigin = { source: 'options', origin: caller };
  const out = {} as Record<SettingName, SettingOrigin>;
  for (const name of SETTING_NAMES) out[name] = (options as Record<string, unknown>)[name] === undefined ? DEFAULT_ORIGIN : given;
  return out;
}

function settingsOf(resolved: ResolvedConfig): ResolvedConfig {
  const out: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) out[name] = resolved[name];
  return out as ResolvedConfig;
}

/**
 * The config a client runs with, from settings already validated and with their defaults (by
 * `resolveOptions`): TLS on port 443, the prefix's trailing dots dropped, the tags copied, and the
 * rules between settings checked (a secret for http and ws, a socket path for uds, TLS only for
 * http and ws, `retryMaxMs` not below `retryBaseMs`).
 */
export function finishConfig(
  resolved: ResolvedConfig,
  given: Readonly<Record<SettingName, SettingOrigin>>,
  caller: string,
): { config: ResolvedConfig; origins: SettingOrigins } {
  const origins = { ...given };
  const web = resolved.protocol === 'http' || resolved.protocol === 'ws';
  const tlsFrom443 = resolved.destPort === 443 && origins.tls.source === 'default' && web;
  if (tlsFrom443) origins.tls = { source: 'default', origin: 'default (destPort 443)' };
  const config: ResolvedConfig = Object.freeze({
    ...settingsOf(resolved),
    prefix: withoutTrailingDots(resolved.prefix),
    tls: tlsFrom443 || resolved.tls,
    tags: resolved.tags === undefined ? undefined : Object.freeze({ ...resolved.tags }),
  });
  checkRules(config, origins, caller);
  return { config, origins: Object.freeze(origins) };
}

function checkRules(config: ResolvedConfig, origins: SettingOrigins, caller: string): void {
  // A setting left at its default is named by who asked: "missing option `secret` in new StatsClient()".
  const at = (name: SettingName): [SettingSource, string] => [origins[name].source, origins[name].origin];
  const place = (name: SettingName): { place?: string } => (origins[name].source === 'default' ? { place: caller } : {});
  const p = origins.protocol;
  const protocolFrom = `protocol ${config.protocol} (from ${p.source === 'default' ? 'the default' : describeSettingOrigin(p.source, p.origin)})`;
  if ((config.protocol === 'http' || config.protocol === 'ws') && config.secret === undefined) {
    // A hot-shots user's first client lands here: the default is our signed HTTP, not a StatsD daemon.
    const daemonHint =
      p.source === 'default'
        ? "; to send to a StatsD daemon, as hot-shots does, pass protocol: 'udp' or import StatsD from '@sightline/stats/hot-shots'"
        : '';
    throw new StatsConfigError('secret', ...at('secret'), `a secret is required for ${protocolFrom}${daemonHint}`, {
      kind: 'missing',
      ...place('secret'),
    });
  }
  if (config.protocol === 'uds' && config.socketPath === undefined) {
    throw new StatsConfigError('socketPath', ...at('socketPath'), `a socket path is required for ${protocolFrom}`, {
      kind: 'missing',
      ...place('socketPath'),
    });
  }
  if (config.tls && config.protocol !== 'http' && config.protocol !== 'ws') {
    throw new StatsConfigError('tls', ...at('tls'), `tls applies to http and ws only, not to ${protocolFrom}`, place('tls'));
  }
  if (config.retryMaxMs < config.retryBaseMs) {
    throw new StatsConfigError(
      'retryMaxMs',
      ...at('retryMaxMs'),
      `${config.retryMaxMs} is below retryBaseMs ${config.retryBaseMs} (from ${origins.retryBaseMs.origin})`,
      place('retryMaxMs'),
    );
  }
}
