import { packageConfig } from '../../tsup.base';

// `register` is the `--import` / `--require` entry; the shim gives its CommonJS build `import.meta.url`.
export default packageConfig({ index: 'src/index.ts', register: 'src/register.ts' }, { shims: true });
