// Check results are user data: a cycle or a BigInt in `details` must not fail /metrics, a huge
// message must not be copied into every readiness body, and a check named `__proto__` is reported.
import type { HealthCheck } from '@sightline/core';
import { MAX_CHECK_DETAILS_BYTES, MAX_CHECK_MESSAGE_LENGTH } from '../src/check-details.js';
import { closeServers, get, quietLogs, startServer } from './helpers.js';

quietLogs();
afterEach(closeServers);

// Jest's asymmetric matchers are typed `any`; held as `unknown` they fit any expected object.
const anyNumber: unknown = expect.any(Number);

describe('check results as data', () => {
  it('details holding a cycle or a BigInt: the JSON /metrics fallback answers 200 with them made plain', async () => {
    const cyclic: Record<string, unknown> = { name: 'pool' };
    cyclic['self'] = cyclic;
    const checks: HealthCheck[] = [
      { name: 'db', check: () => Promise.resolve({ healthy: true, details: { pool: cyclic, shared: [1, 2] } }) },
      { name: 'ledger', check: () => Promise.resolve({ healthy: true, details: { balance: 12345678901234567890n } }) },
    ];
    const s = await startServer({ checks, ready: true, metricsRateLimit: false });
    const reply = await get(s.url, '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({
      checks: {
        db: { status: 'pass', duration_ms: anyNumber, details: { pool: { name: 'pool', self: '[Circular]' }, shared: [1, 2] } },
        ledger: { status: 'pass', duration_ms: anyNumber, details: { balance: '12345678901234567890' } },
      },
    });
  });

  it('a BigInt in a snapshot section does not fail the fallback either', async () => {
    const s = await startServer({ snapshot: () => ({ queue: { processed: 5n } }), metricsRateLimit: false });
    const reply = await get(s.url, '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ queue: { processed: '5' }, checks: {} });
  });

  it('a 5 MB check message is cut to MAX_CHECK_MESSAGE_LENGTH in the readiness body; huge details are replaced by a note', async () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const checks: HealthCheck[] = [
      { name: 'db', check: () => Promise.resolve({ healthy: false, message: huge, details: { dump: huge } }) },
    ];
    const s = await startServer({ checks, ready: true, metricsRateLimit: false });
    const ready = await get(s.url, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.length).toBeLessThan(MAX_CHECK_MESSAGE_LENGTH + 500);
    const message = (ready.json() as { checks: { db: { message: string } } }).checks.db.message;
    expect(message).toBe(`${'x'.repeat(MAX_CHECK_MESSAGE_LENGTH)}…[${huge.length - MAX_CHECK_MESSAGE_LENGTH} more chars]`);
    const metrics = await get(s.url, '/metrics');
    expect((metrics.json() as { checks: { db: { details: unknown } } }).checks.db.details).toEqual({
      truncated: true,
      bytes: huge.length + '{"dump":""}'.length,
      limit: MAX_CHECK_DETAILS_BYTES,
    });
  });

  it('a check named __proto__ is reported like any other, in readiness and in /metrics', async () => {
    const checks: HealthCheck[] = [{ name: '__proto__', check: () => Promise.resolve({ healthy: false, message: 'down' }) }];
    const s = await startServer({ checks, ready: true, metricsRateLimit: false });
    const ready = await get(s.url, '/health/ready');
    expect(ready.body).toContain('"__proto__":{"status":"fail"');
    expect(Object.keys((JSON.parse(ready.body) as { checks: object }).checks)).toEqual(['__proto__']);
    expect(ready.json()).toMatchObject({ failed: ['__proto__'] });
    expect((await get(s.url, '/metrics')).body).toContain('"__proto__":{"status":"fail"');
  });
});
