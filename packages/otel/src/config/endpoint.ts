// OTLP endpoints: validated when configured (a bad URL is an error naming the setting, not a
// failure at export time), normalised to a base URL, and checked against the protocol's port.
import { OtelConfigError } from '../errors.js';
import type { OtlpProtocol } from './otel-env.js';

const DEFAULT_PORTS: Readonly<Record<OtlpProtocol, string>> = { 'http/protobuf': '4318', 'http/json': '4318', grpc: '4317' };
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

function invalid(source: string, raw: string, why: string, protocol: OtlpProtocol): OtelConfigError {
  return new OtelConfigError(
    `Invalid ${source} ${JSON.stringify(raw)}: ${why}; expected a URL such as "http://collector:${DEFAULT_PORTS[protocol]}"`,
    { option: source },
  );
}

/**
 * Normalises an endpoint to a URL. `collector` and `collector:4318` (no scheme) get `http://` or
 * `https://` from `insecure` and the protocol's default port; a full URL keeps its path.
 */
export function normaliseEndpoint(raw: string, protocol: OtlpProtocol, insecure: boolean, source: string): string {
  const text = raw.trim();
  if (text === '') throw invalid(source, raw, 'it is empty', protocol);
  if (/\s/.test(text)) throw invalid(source, raw, 'it contains whitespace', protocol);
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined && text.includes('://')) throw invalid(source, raw, 'the scheme is not a valid URL scheme', protocol);
  let url: URL;
  try {
    url = new URL(scheme ? text : `${insecure ? 'http' : 'https'}://${text}`);
  } catch {
    throw invalid(source, raw, 'it is not a URL', protocol);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(source, raw, 'only http:// and https:// are supported', protocol);
  }
  if (url.hostname === '') throw invalid(source, raw, 'it has no host', protocol);
  if (!scheme && url.port === '') url.port = DEFAULT_PORTS[protocol];
  url.search = '';
  url.hash = '';
  return url.href.replace(/\/+$/, '');
}

/**
 * A warning when an endpoint names the other transport's well-known port: OTLP/HTTP at 4317 or
 * OTLP/gRPC at 4318 reaches a collector that cannot understand it, and fails only at export time.
 */
export function portWarning(endpoint: string, protocol: OtlpProtocol, source: string): string | undefined {
  const port = new URL(endpoint).port;
  if (protocol !== 'grpc' && port === '4317') {
    return `${source} ${JSON.stringify(endpoint)} uses port 4317, the OTLP/gRPC port, with protocol ${protocol}: an OTLP/HTTP collector listens on 4318 (set protocol "grpc" to export over gRPC)`;
  }
  if (protocol !== 'grpc' && port === '14250') {
    return `${source} ${JSON.stringify(endpoint)} uses port 14250, Jaeger's gRPC port, with protocol ${protocol}: point OTLP/HTTP at a collector's port 4318`;
  }
  if (protocol === 'grpc' && port === '4318') {
    return `${source} ${JSON.stringify(endpoint)} uses port 4318, the OTLP/HTTP port, with protocol grpc: an OTLP/gRPC collector listens on 4317`;
  }
  return undefined;
}

/** An endpoint as it may be logged: without a user name or password in it. */
export function withoutCredentials(endpoint: string): string {
  const url = new URL(endpoint);
  url.username = '';
  url.password = '';
  return url.href.replace(/\/+$/, '');
}
