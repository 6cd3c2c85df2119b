import { packageBuild } from '../../tsdown.base.ts';

// One entry: the Durable Object class, the token store and the rate budget all live in the same
// worker, and each is a few hundred bytes.
export default packageBuild();
