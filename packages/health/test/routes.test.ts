// Extra routes (a plugin's pages, e.g. /status): served under their prefix, behind the /metrics
// token when asked, given readiness, detached when the server closes.
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { HttpRoute, ReadinessReport, RouteHost } from '@sightline/core';
import { createHealthHandler, HealthConfigError } from '../src/index.js';
import { closeServers, get, startServer } from './helpers.js';

function recordingRoute(
  path: string,
  auth: 'metrics' | 'none',
): HttpRoute & { seen: string[]; host: RouteHost | undefined; detached: number } {
  const route = {
    path,
    auth,
    seen: [] as string[],
    host: undefined as RouteHost | undefined,
    detached: 0,
    handle(req: IncomingMessage, res: ServerResponse) {
      route.seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`page ${req.url}`);
    },
    attach(host: RouteHost) {
      route.host = host;
    },
    detach() {
      route.detached++;
    },
  };
  return route;
}

describe('health server routes', () => {
  afterEach(closeServers);

  test('a route gets its prefix and every path under it, nothing else', async () => {
    const route = recordingRoute('/status', 'none');
    const server = await startServer({ routes: [route] });
    expect((await get(server.url, '/status')).body).toBe('page /status');
    expect((await get(server.url, '/status/events?x=1')).body).toBe('page /status/events?x=1');
    const other = await get(server.url, '/statusx');
    expect(other.status).toBe(404);
    expect(other.json()).toEqual({
      error: 'not_found',
      message: 'no endpoint at /statusx; try /health, /health/live, /health/ready, /health/startup, /metrics, /status',
    });
    expect(route.seen).toEqual(['/status', '/status/events?x=1']);
    expect((await get(server.url, '/status', { method: 'POST' })).status).toBe(405);
  });

  test('behind the metrics token: 401 without or with a wrong one; header, cookie or ?token= let in', async () => {
    const route = recordingRoute('/status', 'metrics');
    const server = await startServer({ routes: [route], metricsToken: 's3cret' });
    const session = createHmac('sha256', 's3cret').update('sightline route cookie v1').digest('base64url');
    expect((await get(server.url, '/status')).status).toBe(401);
    expect((await get(server.url, '/status', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await get(server.url, '/status', { headers: { cookie: 'sightline_token=wrong' } })).status).toBe(401);
    expect((await get(server.url, '/status?token=wrong')).status).toBe(401);
    expect((await get(server.url, '/status', { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    expect((await get(server.url, '/status', { headers: { cookie: `a=b; sightline_token=${session}` } })).status).toBe(200);
    const redirect = await get(server.url, '/status/x?token=s3cret&y=2');
    expect(redirect.status).toBe(303);
    expect(redirect.headers.location).toBe('/status/x?y=2');
    // The cookie holds a value derived from the token, not the token; over plain HTTP, no Secure.
    expect(redirect.headers['set-cookie']).toEqual([`sightline_token=${session}; Path=/status; HttpOnly; SameSite=Strict`]);
    expect(session).not.toContain('s3cret');
    // The token itself is no cookie, and the cookie's value is no Bearer token (on the route or on /metrics).
    expect((await get(server.url, '/status', { headers: { cookie: 'sightline_token=s3cret' } })).status).toBe(401);
    expect((await get(server.url, '/status', { headers: { authorization: `Bearer ${session}` } })).status).toBe(401);
    expect((await get(server.url, '/metrics', { headers: { authorization: `Bearer ${session}` } })).status).toBe(401);
    // A wrong Authorization header is not rescued by a right cookie.
    expect(
      (await get(server.url, '/status', { headers: { authorization: 'Bearer wrong', cookie: `sightline_token=${session}` } })).status,
    ).toBe(401);
    // auth 'none' routes ignore the token.
    const open = recordingRoute('/open', 'none');
    const server2 = await startServer({ routes: [open], metricsToken: 's3cret' });
    expect((await get(server2.url, '/open')).status).toBe(200);
  });

  test('over TLS the cookie is Secure', async () => {
    const route = recordingRoute('/status', 'metrics');
    const handler = createHealthHandler({ routes: [route], metricsToken: 's3cret' });
    // The stats package's self-signed localhost certificate, for tests only.
    const fixtures = join(__dirname, '../../stats/test/fixtures');
    const server = createHttpsServer(
      { key: readFileSync(join(fixtures, 'localhost-key.pem')), cert: readFileSync(join(fixtures, 'localhost-cert.pem')) },
      (req, res) => handler(req, res),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const setCookie = await new Promise<string[] | undefined>((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/status?token=s3cret', rejectUnauthorized: false },
          (res) => {
            res.resume();
            resolve(res.headers['set-cookie']);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(setCookie).toEqual([
        expect.stringMatching(/^sightline_token=[A-Za-z0-9_-]{43}; Path=\/status; HttpOnly; SameSite=Strict; Secure$/),
      ]);
    } finally {
      server.closeAllConnections();
      server.close();
      await handler.close();
    }
  });

  test('a route reads readiness through its host; maxAgeMs 0 runs the checks again', async () => {
    let runs = 0;
    const route = recordingRoute('/status', 'none');
    await startServer({
      routes: [route],
      checks: [{ name: 'db', check: () => Promise.resolve({ healthy: ++runs < 3, message: 'down' }) }],
    });
    const first: ReadinessReport = await route.host!.readiness();
    expect(first.healthy).toBe(true);
    expect(await route.host!.readiness()).toBe(first); // cached
    expect(runs).toBe(1);
    expect((await route.host!.readiness(0)).healthy).toBe(true);
    const third = await route.host!.readiness(0);
    expect(runs).toBe(3);
    expect(third.failed).toEqual(['db']);
  });

  test('closing the server detaches its routes', async () => {
    const route = recordingRoute('/status', 'none');
    const server = await startServer({ routes: [route] });
    await server.close();
    expect(route.detached).toBe(1);
  });

  test('bad routes are refused with HealthConfigError', () => {
    const ok = recordingRoute('/status', 'none');
    expect(() => createHealthHandler({ routes: [recordingRoute('/health/x', 'none')] })).toThrow(
      new HealthConfigError('routes[0].path "/health/x" is served by the health server itself; pick another prefix'),
    );
    expect(() => createHealthHandler({ routes: [recordingRoute('/metrics', 'none')] })).toThrow(HealthConfigError);
    expect(() => createHealthHandler({ routes: [recordingRoute('status', 'none')] })).toThrow(
      /path must be a path prefix such as "\/status"/,
    );
    expect(() => createHealthHandler({ routes: [ok, recordingRoute('/status', 'none')] })).toThrow(
      'routes has two routes at "/status": paths must be unique',
    );
    expect(() => createHealthHandler({ routes: [{ ...ok, auth: 'token' as never }] })).toThrow(/auth must be "metrics" or "none"/);
    expect(() => createHealthHandler({ routes: 'x' as never })).toThrow(HealthConfigError);
  });
});
