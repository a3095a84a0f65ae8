import { packageConfig } from '../../tsup.base';

// An application, not a library: ESM only, no declarations.
export default packageConfig({ main: 'src/main.ts', app: 'src/app.ts' }, { format: ['esm'], dts: false });
