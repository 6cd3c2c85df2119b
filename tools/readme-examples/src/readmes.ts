// The published packages' READMEs: packages/*/README.md of every package that is not private.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ReadmeBlock, readmeBlocks } from './blocks.ts';

/** The monorepo root. */
export const repo = fileURLToPath(new URL('../../../', import.meta.url));

export interface Readme {
  /** Relative to the repository root, e.g. `packages/core/README.md`. */
  path: string;
  /** The package directory's name, e.g. `core`. */
  pkg: string;
  text: string;
}

export function publishedReadmes(root = repo): Readme[] {
  const readmes: Readme[] = [];
  for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    const dir = join(root, 'packages', entry.name);
    if (!entry.isDirectory() || !existsSync(join(dir, 'package.json'))) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { private?: boolean };
    if (manifest.private || !existsSync(join(dir, 'README.md'))) continue;
    const path = `packages/${entry.name}/README.md`;
    readmes.push({ path, pkg: entry.name, text: readFileSync(join(dir, 'README.md'), 'utf8') });
  }
  return readmes.sort((a, b) => a.path.localeCompare(b.path));
}

export function blocksOf(readme: Readme): ReadmeBlock[] {
  return readmeBlocks(readme.path, readme.text);
}
