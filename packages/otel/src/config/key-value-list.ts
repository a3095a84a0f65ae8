// The `key1=value1,key2=value2` form of OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS,
// values percent-encoded (W3C Baggage octets).

export interface KeyValueList {
  readonly values: Readonly<Record<string, string>>;
  /** Entries that could not be read, described for a log line (never with their values). */
  readonly problems: readonly string[];
}

/** Problems described one by one before the rest are only counted: one bad variable, one log line. */
const PROBLEMS_DESCRIBED = 3;

export function parseKeyValueList(text: string | undefined, source: string): KeyValueList {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  if (!text) return { values, problems };
  const entries = text.split(',');
  const bad: string[] = [];
  let unreadable = 0;
  const note = (problem: string): void => {
    if (unreadable++ < PROBLEMS_DESCRIBED) bad.push(problem);
  };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!.trim();
    if (!entry) continue;
    const eq = entry.indexOf('=');
    const key = eq === -1 ? '' : entry.slice(0, eq).trim();
    if (!key) {
      note(`entry ${i + 1} is not key=value`);
      continue;
    }
    try {
      values[decodeURIComponent(key)] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      note(`entry ${i + 1} (${JSON.stringify(key.slice(0, 64))}) is not valid percent-encoding`);
    }
  }
  if (unreadable > 0) {
    const more = unreadable - bad.length;
    problems.push(
      `${source}: ${bad.slice(0, PROBLEMS_DESCRIBED).join('; ')}${more > 0 ? `; and ${more} more entries unreadable` : ''}; those entries ignored`,
    );
  }
  return { values, problems };
}
