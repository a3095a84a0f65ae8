export {
  BATCH_CONTENT_TYPE,
  BATCH_PATH,
  DEFAULT_MAX_BODY_BYTES,
  PROTOCOL_VERSION,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  WS_PATH,
} from './wire.js';
export { BATCH_METRIC_TYPES } from './metric.js';
export type { BatchMetric, BatchMetricType, CounterMetric, GaugeMetric, SamplesMetric, SetMetric, Tags } from './metric.js';
export {
  BATCH_ID_PATTERN,
  checkStatsdSafeTags,
  isValidMetricName,
  MAX_METRIC_NAME_LENGTH,
  MAX_TAGS,
  METRIC_NAME_PATTERN,
  parseTags,
} from './names.js';
export { encodeBatch } from './encode-batch.js';
export { parseBatch, parseMetric } from './parse-batch.js';
export type { BatchParseResult, IndexedMetric, MetricError } from './parse-batch.js';
export { checkSignatureHeaders, DEFAULT_MAX_SKEW_MS, newBatchId, signBatch, verifySignature } from './signing.js';
export type { SignatureHeaders, SignatureVerdict, VerifySignatureInput } from './signing.js';
export { encodeWsFrame, parseWsFrame } from './ws-frame.js';
export type { WsFrame, WsFrameParseResult } from './ws-frame.js';
