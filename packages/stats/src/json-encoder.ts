// Serialises a batch as the stats protocol's JSON body (version 1).
import type { MetricRecord } from './batch.js';

function encodeRecord(r: MetricRecord): string {
  let out = `{"type":"${r.type}","name":${JSON.stringify(r.name)},`;
  out += r.type === 'counter' || r.type === 'gauge' ? `"value":${r.value}` : `"values":[${r.values.join(',')}]`;
  if (r.tags) out += `,"tags":${JSON.stringify(r.tags)}`;
  return `${out}}`;
}

/** `{"v":1,"metrics":[...]}`; `sampleRate` stays out (the server gets the kept samples). */
export function encodeBatchJson(metrics: readonly MetricRecord[]): string {
  let out = '{"v":1,"metrics":[';
  for (let i = 0; i < metrics.length; i++) {
    if (i > 0) out += ',';
    out += encodeRecord(metrics[i]!);
  }
  return `${out}]}`;
}
