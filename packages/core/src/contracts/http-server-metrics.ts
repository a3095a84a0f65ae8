// The HTTP server metrics (`http.server.request.duration` and kin) are recorded once per process,
// whichever backends are installed: a recorder that exposes them (the OpenTelemetry bridge) claims
// them, and a recorder that only fills in when nobody else does (the Prometheus plugin's) asks
// first. Process-wide (Symbol.for), so two copies of core agree.

const CLAIMS_KEY = Symbol.for('sightline.core.httpServerMetricsRecorders');

type Global = typeof globalThis & { [CLAIMS_KEY]?: Map<string, number> };

function claims(): Map<string, number> {
  const g = globalThis as Global;
  return (g[CLAIMS_KEY] ??= new Map<string, number>());
}

/**
 * Declares that `recorder` records the HTTP server metrics in this process, until the function
 * returned is called (once; later calls do nothing).
 */
export function claimHttpServerMetrics(recorder: string): () => void {
  const map = claims();
  map.set(recorder, (map.get(recorder) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = (map.get(recorder) ?? 1) - 1;
    if (n > 0) map.set(recorder, n);
    else map.delete(recorder);
  };
}

/**
 * Who records the HTTP server metrics in this process, `self` left out: the recorders that claimed
 * them (`otel` while `@sightline/otel`'s HTTP instrumentation is on).
 */
export function httpServerMetricsRecorders(self?: string): readonly string[] {
  const out: string[] = [];
  for (const name of claims().keys()) if (name !== self) out.push(name);
  return out;
}

/** Whether anyone but `self` records the HTTP server metrics in this process (see {@link httpServerMetricsRecorders}). */
export function httpServerMetricsRecordedElsewhere(self: string): boolean {
  const map = claims();
  return map.size > (map.has(self) ? 1 : 0);
}
