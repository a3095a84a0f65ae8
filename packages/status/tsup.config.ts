import { packageConfig } from '../../tsup.base';

// shims: the server finds the page next to itself (dist/static) from both builds.
export default packageConfig(undefined, { shims: true });
