// StatsD lines read as a daemon reads one flush window, so that lines sent one per call (hot-shots) and
// lines aggregated by the client (ours) can be compared value for value.

/**
 * Lines read as a StatsD daemon reads one flush window: a series is its name, type and tag set (in
 * any order); counters summed, gauges set (or moved by a signed value), samples kept in order, set
 * members distinct. `|d` is read as `|h` (see the README). Events and checks are kept as sent, tags
 * in any order.
 */
export function aggregate(lines: readonly string[]): { readonly series: string[]; readonly events: string[] } {
  const series = new Map<string, { type: string; values: number[]; members: Set<string>; value: number; delta: boolean }>();
  const events: string[] = [];
  for (const line of lines) {
    if (line.startsWith('_e{') || line.startsWith('_sc|')) {
      // A tag set in any order.
      events.push(line.replace(/\|#([^|]*)/, (_, tags: string) => `|#${tags.split(',').sort().join(',')}`));
      continue;
    }
    const colon = line.indexOf(':');
    const metric = line.slice(0, colon);
    const parts = line.slice(colon + 1).split('|');
    const values = parts[0]!.split(':');
    const type = parts[1] === 'd' ? 'h' : parts[1]!;
    const rest = parts.slice(2);
    const rate = rest.find((p) => p.startsWith('@'));
    if (rate !== undefined) throw new Error(`a sampled line (${line}): compare at sample rate 1`);
    const tags = (
      rest
        .find((p) => p.startsWith('#'))
        ?.slice(1)
        .split(',') ?? []
    )
      .sort()
      .join(',');
    const key = `${type} ${metric} #${tags}`;
    let s = series.get(key);
    if (s === undefined) {
      s = { type, values: [], members: new Set(), value: 0, delta: true };
      series.set(key, s);
    }
    for (const v of values) {
      if (type === 'c') s.value += Number(v);
      else if (type === 'g') {
        if (v.startsWith('+') || v.startsWith('-')) s.value += Number(v);
        else {
          s.value = Number(v);
          s.delta = false;
        }
      } else if (type === 's') s.members.add(v);
      else s.values.push(Number(v));
    }
  }
  const out = [...series.entries()].map(([key, s]) => {
    if (s.type === 'c') return `${key} = ${s.value}`;
    if (s.type === 'g') return `${key} = ${s.delta ? 'change ' : ''}${s.value}`;
    if (s.type === 's') return `${key} = {${[...s.members].sort().join(',')}}`;
    return `${key} = [${s.values.join(',')}]`;
  });
  return { series: out.sort(), events };
}
