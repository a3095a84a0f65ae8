// Bench target: @sightline/health from dist/, alone in its own process.
import { createHealthServer } from '../../dist/index.js';

const health = await createHealthServer({ port: 0, host: '127.0.0.1', signals: [], ready: true, env: {} });
process.stdout.write(`${JSON.stringify({ port: health.port })}\n`);
// The bench asks for this process's CPU time over IPC, to report CPU per request.
process.on('message', () => process.send(process.cpuUsage()));
