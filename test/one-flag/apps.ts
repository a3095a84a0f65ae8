// The three services of the one-flag acceptance test: an Express and a fastify app (ES modules) and a
// plain node:http app (CommonJS). None imports anything of Sightline; each prints the port it
// listens on, the one line a service prints anyway.

export interface ServiceApp {
  readonly title: string;
  readonly file: string;
  /** The flag that turns Sightline on: `--import` for ES modules, `--require` for CommonJS. */
  readonly flag: '--import' | '--require';
  readonly source: string;
  /** Whether the status page is opened in Chromium for this app. */
  readonly browser: boolean;
}

// Each app answers the same three kinds of request: an order (200), a refund that fails (500), and
// a path no route matches (404).
export const APPS: readonly ServiceApp[] = [
  {
    title: 'Express (ESM)',
    file: 'express-app.mjs',
    flag: '--import',
    browser: true,
    source: `import express from 'express';

const app = express();
app.get('/orders/:id', (req, res) => {
  res.json({ id: req.params.id, total: 42 });
});
app.get('/orders/:id/refund', (req, res) => {
  res.status(500).json({ error: 'refund failed', id: req.params.id });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log('listening on ' + server.address().port);
});
`,
  },
  {
    title: 'fastify (ESM)',
    file: 'fastify-app.mjs',
    flag: '--import',
    browser: true,
    source: `import Fastify from 'fastify';

const app = Fastify();
app.get('/orders/:id', async (req) => ({ id: req.params.id, total: 42 }));
app.get('/orders/:id/refund', async (req, reply) => {
  reply.code(500);
  return { error: 'refund failed', id: req.params.id };
});
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log('listening on ' + new URL(address).port);
`,
  },
  {
    title: 'node:http (CommonJS)',
    file: 'http-app.cjs',
    flag: '--require',
    browser: true,
    source: `const { createServer } = require('node:http');

const server = createServer((req, res) => {
  const refund = /^\\/orders\\/(\\d+)\\/refund$/.exec(req.url);
  const order = /^\\/orders\\/(\\d+)$/.exec(req.url);
  if (req.method === 'GET' && order) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: order[1], total: 42 }));
  } else if (req.method === 'GET' && refund) {
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'refund failed', id: refund[1] }));
  } else {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  }
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log('listening on ' + server.address().port);
});
`,
  },
];

/** The traffic each app gets, and what its request counts must then be, by route and status code. */
export interface Traffic {
  readonly paths: readonly string[];
  /** `"<route> <status code>"` -> requests; 404s by status only (a path no route matches has no template). */
  readonly expected: Readonly<Record<string, number>>;
}

export function traffic(orders: number): Traffic {
  const paths: string[] = [];
  let refunds = 0;
  let missing = 0;
  for (let id = 1; id <= orders; id++) {
    paths.push(`/orders/${id}`);
    if (id % 3 === 0) {
      paths.push(`/orders/${id}/refund`);
      refunds++;
    }
    if (id % 4 === 0) {
      paths.push(`/missing/${id}`);
      missing++;
    }
  }
  return { paths, expected: { 'GET /orders/:id 200': orders, 'GET /orders/:id/refund 500': refunds, 'GET 404': missing } };
}
