import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const newest = (dir: string): number =>
  Math.max(
    0,
    ...readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(`${entry.parentPath}/${entry.name}`).mtimeMs),
  );

/**
 * The tests run the built command and load the built package (dist): build it when it is
 * missing or older than its sources, so `vitest run` alone never tests stale output.
 */
export default function setup(): void {
  const built = `${root}dist/index.mjs`;
  const stale = !existsSync(built) || statSync(built).mtimeMs < newest(`${root}src`);
  if (stale) execFileSync('pnpm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
