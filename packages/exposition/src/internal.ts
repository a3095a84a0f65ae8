// @sightline/exposition/internal: what Sightline's own packages share with the renderer and users
// need not call (reading a registry in slices uses the renderer's pacing). Not covered by semver:
// every Sightline package depends on a range of this package that moves with it.
export { LONG_STEP_NEXT, runInSlices, yieldToEventLoop } from './time-slices.js';
