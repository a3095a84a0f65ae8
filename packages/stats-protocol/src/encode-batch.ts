// What a client sends: a batch as the protocol's JSON body. Each metric's protocol fields are copied
// into a plain object and JSON.stringify writes the lot: as fast as concatenating the text by hand
// once the string is turned into bytes to send (bench/codec.bench.mjs), escapes every string
// correctly, and leaves out whatever else a caller's record carries (a client's sample rate).
import type { BatchMetric } from './metric.js';
import { PROTOCOL_VERSION } from './wire.js';

type WireMetric =
  | { type: BatchMetric['type']; name: string; value: number; tags?: BatchMetric['tags'] }
  | { type: BatchMetric['type']; name: string; values: readonly (number | string)[]; tags?: BatchMetric['tags'] };

function wireMetric(m: BatchMetric): WireMetric {
  if (m.type === 'counter' || m.type === 'gauge') {
    return m.tags ? { type: m.type, name: m.name, value: m.value, tags: m.tags } : { type: m.type, name: m.name, value: m.value };
  }
  return m.tags ? { type: m.type, name: m.name, values: m.values, tags: m.tags } : { type: m.type, name: m.name, values: m.values };
}

/**
 * `{"v":1,"id":"...","metrics":[...]}`, fields in the order type, name, value or values, tags. `id`
 * (from `newBatchId()`) is signed with the body: a receiver remembers it for the freshness window
 * and refuses the same batch a second time (409), so a replayed batch is never counted twice.
 */
export function encodeBatch(metrics: readonly BatchMetric[], id?: string): string {
  const wire = new Array<WireMetric>(metrics.length);
  for (let i = 0; i < metrics.length; i++) wire[i] = wireMetric(metrics[i]!);
  return JSON.stringify(id === undefined ? { v: PROTOCOL_VERSION, metrics: wire } : { v: PROTOCOL_VERSION, id, metrics: wire });
}
