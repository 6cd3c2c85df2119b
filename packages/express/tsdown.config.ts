import { packageBuild } from '../../tsdown.base.ts';

// Node only (Express runs there): node: built-ins stay imports, Express itself is never imported at run time.
export default packageBuild({ platform: 'node' });
