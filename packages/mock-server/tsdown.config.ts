import { packageBuild } from '../../tsdown.base.ts';

export default packageBuild({ entry: ['src/index.ts', 'src/cli.ts'], platform: 'node' });
