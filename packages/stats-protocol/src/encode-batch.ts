// What a client sends: a batch as the protocol's JSON body, written by hand (no intermediate
// objects) because a client encodes every batch it flushes.
import type { BatchMetric } from './metric.js';
import { PROTOCOL_VERSION } from './wire.js';

const HEAD = `{"v":${PROTOCOL_VERSION},"metrics":[`;

function encodeMetric(m: BatchMetric): string {
  let out = `{"type":"${m.type}","name":${JSON.stringify(m.name)},`;
  if (m.type === 'counter' || m.type === 'gauge') out += `"value":${m.value}`;
  // Finite numbers print the same through String() and JSON; set members are strings to quote.
  else if (m.type === 'set') out += `"values":${JSON.stringify(m.values)}`;
  else out += `"values":[${m.values.join(',')}]`;
  if (m.tags) out += `,"tags":${JSON.stringify(m.tags)}`;
  return `${out}}`;
}

/**
 * `{"v":1,"metrics":[...]}`. Only the protocol's fields are written: anything else a caller's
 * record carries (a client's sample rate) stays out. Values must be finite, as `parseBatch` requires.
 */
export function encodeBatch(metrics: readonly BatchMetric[]): string {
  let out = HEAD;
  for (let i = 0; i < metrics.length; i++) {
    if (i > 0) out += ',';
    out += encodeMetric(metrics[i]!);
  }
  return `${out}]}`;
}
