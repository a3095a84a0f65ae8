import { packageConfig } from '../../tsup.base';

// shims: `__filename` in the ESM build, for the synchronous lazy load of the optional gRPC exporters.
export default packageConfig({ index: 'src/index.ts' }, { shims: true });
