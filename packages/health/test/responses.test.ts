import type { CheckReport } from '../src/index.js';
import { errorBody, healthBody, jsonFallbackBody, liveBody, notReadyBody, readyBody, startupBody } from '../src/responses.js';

const TS = '2026-02-02T19:30:00Z';
const failing: CheckReport = {
  healthy: false,
  failed: ['db'],
  results: [
    { name: 'db', healthy: false, critical: true, timedOut: true, message: 'timed out after 1000ms', durationMs: 1000 },
    { name: 'cache', healthy: true, critical: false, timedOut: false, durationMs: 2, details: { hit_rate: 0.87 } },
  ],
};

describe('response bodies', () => {
  it('serialises the bodies of /health and /health/live', () => {
    expect(healthBody(TS)).toBe('{"status":"healthy","timestamp":"2026-02-02T19:30:00Z"}');
    expect(liveBody(3600, TS)).toBe('{"status":"alive","uptime_seconds":3600,"timestamp":"2026-02-02T19:30:00Z"}');
  });

  it('serialises readiness with each check, and 503 bodies with the reason and failed checks', () => {
    expect(readyBody({ healthy: true, failed: [], results: [] }, TS)).toBe(
      '{"status":"ready","api_status":"online","checks":{},"timestamp":"2026-02-02T19:30:00Z"}',
    );
    expect(JSON.parse(notReadyBody('checks_failed', TS, failing))).toEqual({
      status: 'not_ready',
      api_status: 'offline',
      reason: 'checks_failed',
      failed: ['db'],
      checks: {
        db: { status: 'fail', duration_ms: 1000, message: 'timed out after 1000ms' },
        cache: { status: 'pass', duration_ms: 2, critical: false },
      },
      timestamp: TS,
    });
    expect(notReadyBody('shutting_down', TS)).toBe(
      '{"status":"not_ready","api_status":"offline","reason":"shutting_down","timestamp":"2026-02-02T19:30:00Z"}',
    );
  });

  it('serialises startup as started, or starting with what it waits for', () => {
    expect(startupBody(true, [], failing, TS)).toBe('{"status":"started","timestamp":"2026-02-02T19:30:00Z"}');
    expect(JSON.parse(startupBody(false, ['markReady', 'db'], failing, TS))).toMatchObject({
      status: 'starting',
      waiting_for: ['markReady', 'db'],
    });
  });

  it('builds the JSON fallback from snapshots by name, with check details', () => {
    const body = jsonFallbackBody({ queue: { size: 5, active_workers: 3, total_processed: 4521 } }, failing);
    expect(JSON.parse(body)).toEqual({
      queue: { size: 5, active_workers: 3, total_processed: 4521 },
      checks: {
        db: { status: 'fail', duration_ms: 1000, message: 'timed out after 1000ms' },
        cache: { status: 'pass', duration_ms: 2, critical: false, details: { hit_rate: 0.87 } },
      },
    });
  });

  it('serialises errors as JSON', () => {
    expect(errorBody('not_found', 'no endpoint at "/x"')).toBe('{"error":"not_found","message":"no endpoint at \\"/x\\""}');
  });
});
