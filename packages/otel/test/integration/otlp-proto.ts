// Decoders for the OTLP request messages in otlp.proto.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';

const root = protobuf.parse(readFileSync(join(__dirname, 'otlp.proto'), 'utf8'), { keepCase: true }).root;

export type Decoded = Record<string, unknown>;

function decoder(type: string): (body: Buffer) => Decoded {
  const messageType = root.lookupType(`otlp.${type}`);
  return (body) => messageType.toObject(messageType.decode(body), { longs: String, defaults: false, oneofs: false });
}

export const decodeTraces = decoder('ExportTraceServiceRequest');
export const decodeLogs = decoder('ExportLogsServiceRequest');
export const decodeMetrics = decoder('ExportMetricsServiceRequest');

interface KeyValue {
  key: string;
  value?: Record<string, unknown>;
}

/** OTLP attributes as a plain object: `[{ key, value: { string_value } }]` -> `{ key: value }`. */
export function attributesOf(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of (list as KeyValue[] | undefined) ?? []) {
    const v = value ?? {};
    out[key] = v.string_value ?? v.bool_value ?? (v.int_value !== undefined ? Number(v.int_value) : undefined) ?? v.double_value;
  }
  return out;
}

export const hex = (bytes: unknown): string => Buffer.from(bytes as Uint8Array).toString('hex');
