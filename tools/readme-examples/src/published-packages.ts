// The published packages: every packages/*/package.json that is not private, by its npm name.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo } from './readmes.ts';

export interface PublishedPackage {
  /** The npm name, e.g. `@zenoti-auth/core`. */
  name: string;
  /** The directory under packages/, e.g. `core`. */
  dir: string;
  description: string;
}

export function publishedPackages(root = repo): PublishedPackage[] {
  const found: PublishedPackage[] = [];
  for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    const manifestPath = join(root, 'packages', entry.name, 'package.json');
    if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name: string;
      private?: boolean;
      description?: string;
    };
    if (manifest.private === true) continue;
    found.push({ name: manifest.name, dir: entry.name, description: manifest.description ?? '' });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
