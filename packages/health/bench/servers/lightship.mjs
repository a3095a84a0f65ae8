// Bench target: lightship (fastify inside), alone in its own process. Outside Kubernetes it runs in
// local mode and listens on a free port (it offers no host option).
import { createLightship } from 'lightship';

const lightship = await createLightship({ detectKubernetes: true, signals: [] });
lightship.signalReady();
process.stdout.write(`${JSON.stringify({ port: lightship.server.address().port })}\n`);
// The bench asks for this process's CPU time over IPC, to report CPU per request.
process.on('message', () => process.send(process.cpuUsage()));
