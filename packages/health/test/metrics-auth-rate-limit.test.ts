// /metrics with a bearer token under attack: clients without the token never use up the scraper's
// rate limit, and their failed attempts are limited per client address.
import { request } from 'node:http';
import { quietLogs, startServer } from './helpers.js';

quietLogs();
afterEach(async () => {
  const { closeServers } = await import('./helpers.js');
  await closeServers();
});

/** GET /metrics from a given loopback address (Linux routes all of 127.0.0.0/8 to lo). */
function scrape(url: string, localAddress: string, authorization?: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/metrics`, { localAddress, agent: false, headers: authorization ? { authorization } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('/metrics rate limit with a token', () => {
  it('4 clients without the token hammering /metrics never get the scraper a 429; each of them is limited after max failures', async () => {
    const server = await startServer({
      metricsToken: 's3cret-token',
      metricsRateLimit: { max: 3, windowMs: 60_000 },
      metrics: { contentType: 'text/plain; version=0.0.4', render: () => 'up 1\n' },
    });
    const attackers = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
    const attacks = await Promise.all(
      attackers.map(async (address) => {
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await scrape(server.url, address, i % 2 ? 'Bearer wrong' : undefined)).status);
        return statuses;
      }),
    );
    // Three failures each, then 429 for that address only.
    for (const statuses of attacks) expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    const blocked = await scrape(server.url, '127.0.0.2', 'Bearer wrong');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);

    // The scraper, from its own address, gets its full allowance.
    const scrapes = [];
    for (let i = 0; i < 4; i++) scrapes.push((await scrape(server.url, '127.0.0.1', 'Bearer s3cret-token')).status);
    expect(scrapes).toEqual([200, 200, 200, 429]);
  });

  it("clients without the token on the scraper's own address (a proxy, a NAT) never get the scraper a 429", async () => {
    const server = await startServer({
      metricsToken: 's3cret-token',
      metricsRateLimit: { max: 3, windowMs: 60_000 },
      metrics: { contentType: 'text/plain; version=0.0.4', render: () => 'up 1\n' },
    });
    const shared = '127.0.0.9';
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 4; j++) statuses.push((await scrape(server.url, shared, j % 2 ? 'Bearer wrong' : undefined)).status);
      // The scraper, behind the same address, between the attempts.
      statuses.push((await scrape(server.url, shared, 'Bearer s3cret-token')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 200, 429, 429, 429, 429, 200, 429, 429, 429, 429, 200]);
  });
});
