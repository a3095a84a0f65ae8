// Bench target: lightship (fastify inside), alone in its own process. Outside Kubernetes it runs in
// local mode and listens on a free port (it offers no host option).
import { createLightship } from 'lightship';

const lightship = await createLightship({ detectKubernetes: true, signals: [] });
lightship.signalReady();
process.stdout.write(`${JSON.stringify({ port: lightship.server.address().port })}\n`);
