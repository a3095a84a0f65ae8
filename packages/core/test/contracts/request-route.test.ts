import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  BoundedRoutes,
  isToolkitRequest,
  isToolkitTraffic,
  markToolkitRequest,
  markToolkitServer,
  routeTemplateOf,
  runAsToolkit,
  setRequestRoute,
} from '../../src/internal.js';

describe('routeTemplateOf', () => {
  it('reads a route set on the request, then Express-style req.route under its mount path', () => {
    const set = {};
    setRequestRoute(set, '/orders/:id');
    expect(routeTemplateOf(set)).toBe('/orders/:id');
    expect(routeTemplateOf({ route: { path: '/items/:id' }, baseUrl: '/api' })).toBe('/api/items/:id');
    expect(routeTemplateOf({ route: { path: '/items/:id' } })).toBe('/items/:id');
    expect(routeTemplateOf({})).toBeUndefined();
  });
});

describe('BoundedRoutes', () => {
  it('labels by template, else by the normalised path, and counts what passes the cap as _OTHER', () => {
    const routes = new BoundedRoutes(2);
    expect(routes.of({ route: { path: '/a/:id' } }, '/a/1')).toBe('/a/:id');
    expect(routes.of({}, '/orders/123')).toBe('/orders/:id');
    expect(routes.of({}, '/orders/456')).toBe('/orders/:id');
    expect(routes.of({}, '/scan/x1')).toBe('_OTHER');
    expect(routes.of({}, '/scan/x2')).toBe('_OTHER');
    expect(routes.overflowed).toBe(2);
  });
});

describe('toolkit traffic', () => {
  it('is true inside runAsToolkit, across awaits, and false outside', async () => {
    expect(isToolkitTraffic()).toBe(false);
    const seen = await runAsToolkit(async () => {
      await Promise.resolve();
      return isToolkitTraffic();
    });
    expect(seen).toBe(true);
    expect(isToolkitTraffic()).toBe(false);
  });

  it("tells a marked server's requests and a marked request from the app's", async () => {
    const verdicts: boolean[] = [];
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/marked') markToolkitRequest(req);
      verdicts.push(isToolkitRequest(req));
      res.end();
    };
    const toolkit: Server = createServer(handler);
    const app: Server = createServer(handler);
    markToolkitServer(toolkit);
    for (const s of [toolkit, app]) s.listen(0, '127.0.0.1');
    await Promise.all([once(toolkit, 'listening'), once(app, 'listening')]);
    const get = async (server: Server, path: string) => {
      const req = httpRequest({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', path });
      req.end();
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      res.resume();
      await once(res, 'end');
    };
    await get(toolkit, '/x');
    await get(app, '/x');
    await get(app, '/marked');
    toolkit.close();
    app.close();
    expect(verdicts).toEqual([true, false, true]);
  });
});
