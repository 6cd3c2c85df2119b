import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path of a built file; fails with a clear message when the package has not been built. */
export function distFile(name: string): string {
  const path = fileURLToPath(new URL(`../dist/${name}`, import.meta.url));
  if (!existsSync(path))
    throw new Error(`${path} is missing: run \`pnpm build\` in packages/mock-server first`);
  return path;
}
