// The `key1=value1,key2=value2` form of OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS,
// values percent-encoded (W3C Baggage octets).

export interface KeyValueList {
  readonly values: Readonly<Record<string, string>>;
  /** Entries that could not be read, described for a log line (never with their values). */
  readonly problems: readonly string[];
}

export function parseKeyValueList(text: string | undefined, source: string): KeyValueList {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  if (!text) return { values, problems };
  const entries = text.split(',');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!.trim();
    if (!entry) continue;
    const eq = entry.indexOf('=');
    const key = eq === -1 ? '' : entry.slice(0, eq).trim();
    if (!key) {
      problems.push(`${source}: entry ${i + 1} is not key=value`);
      continue;
    }
    try {
      values[decodeURIComponent(key)] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      problems.push(`${source}: entry ${i + 1} (${JSON.stringify(key)}) is not valid percent-encoding`);
    }
  }
  return { values, problems };
}
