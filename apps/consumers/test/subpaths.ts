// Which module specifiers the published packages offer (from each package.json `exports`), and which
// of them a consumer source imports: so that a new subpath is in the consumer checks from the start.
import type { WorkspacePackage } from './support.ts';

/** `@zenoti-auth/core`, `@zenoti-auth/core/http`, …: every import specifier a package's exports offer. */
export function exportedSpecifiers(packages: readonly WorkspacePackage[]): string[] {
  return packages.flatMap(({ manifest }) => {
    const exports = manifest.exports;
    // A package without an exports map (or with a bare string) offers only its name.
    if (!exports || typeof exports !== 'object') return [manifest.name];
    return Object.keys(exports)
      .filter((subpath) => subpath.startsWith('.') && subpath !== './package.json')
      .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`));
  });
}

/** The specifiers of a source's static imports (`import … from '…'`, `import '…'`, `export … from '…'`). */
export function importedSpecifiers(source: string): Set<string> {
  const found = new Set<string>();
  for (const match of source.matchAll(/^\s*(?:import|export)\b[^'"]*?['"]([^'"]+)['"]/gm)) {
    if (match[1]) found.add(match[1]);
  }
  return found;
}

/** The exported specifiers that `source` does not import. */
export function notImported(specifiers: readonly string[], source: string): string[] {
  const imported = importedSpecifiers(source);
  return specifiers.filter((specifier) => !imported.has(specifier));
}
