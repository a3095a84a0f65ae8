import { packageConfig } from '../../tsup.base';

export default packageConfig({ index: 'src/index.ts', testing: 'src/testing.ts', 'hot-shots': 'src/hot-shots.ts' });
