// Choosing an exposition format from a scraper's Accept header: the toolkit's one negotiator, used by
// every server that serves /metrics (re-exported by @sightline/exposition).
import type { ExpositionFormat } from './metrics-source.js';

/** OpenMetrics versions whose text we can serve (1.0.0 is a superset of what 0.0.1 asks for). */
const OPENMETRICS_VERSIONS = new Set(['1.0.0', '0.0.1']);

/**
 * The format a scraper asked for. OpenMetrics only when it is named explicitly in `Accept` with a
 * quality above that of `text/plain` (or a wildcard); anything else, a missing header included, gets
 * the Prometheus text format 0.0.4, which every scraper reads. Prometheus 2.x sends
 * `application/openmetrics-text;version=1.0.0,...,text/plain;version=0.0.4;q=0.5` and a wildcard
 * at q=0.1.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (!accept || !/openmetrics/i.test(accept)) return 'prometheus';
  let openMetricsQ = 0;
  let textQ = 0;
  for (const range of accept.split(',')) {
    const params = range.split(';');
    const type = params[0]!.trim().toLowerCase();
    let q = 1;
    let version: string | undefined;
    for (let i = 1; i < params.length; i++) {
      const eq = params[i]!.indexOf('=');
      if (eq < 0) continue;
      const key = params[i]!.slice(0, eq).trim().toLowerCase();
      const value = params[i]!.slice(eq + 1)
        .trim()
        .replace(/^"|"$/g, '');
      if (key === 'q') {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      } else if (key === 'version') {
        version = value;
      }
    }
    if (type === 'application/openmetrics-text') {
      if (version === undefined || OPENMETRICS_VERSIONS.has(version)) openMetricsQ = Math.max(openMetricsQ, q);
    } else if (type === 'text/plain' || type === 'text/*' || type === '*/*') {
      textQ = Math.max(textQ, q);
    }
  }
  return openMetricsQ > 0 && openMetricsQ > textQ ? 'openmetrics' : 'prometheus';
}
