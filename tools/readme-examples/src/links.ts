// The links of a published README. npm shows the README from the tarball, which holds the package's
// own folder only: a relative link that leaves it (`../core/README.md`, `../../apps/…`) is dead there.
// Such links point at the repository instead, at one base taken from the packages' `repository` field.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Readme } from './readmes.ts';

export interface ReadmeLink {
  /** 1-based line of the README. */
  line: number;
  target: string;
}

/**
 * Every link target outside code: inline `[text](target)` / `![alt](target)` (the text may wrap onto
 * earlier lines: `](` is what counts), reference definitions `[id]: target`, and HTML `href`/`src`.
 */
export function linksOf(text: string): ReadmeLink[] {
  const links: ReadmeLink[] = [];
  let fenced = false;
  text.split('\n').forEach((raw, i) => {
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    // Inline code spans are not links.
    const line = raw.replace(/`[^`]*`/g, '');
    const patterns = [
      /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g,
      /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g,
      /\b(?:href|src)\s*=\s*["']([^"']+)["']/g,
    ];
    for (const pattern of patterns)
      for (const match of line.matchAll(pattern)) if (match[1]) links.push({ line: i + 1, target: match[1] });
  });
  return links;
}

/** A link with no scheme, not an in-page `#anchor` and not protocol-relative: resolved against the README. */
export function isRelative(target: string): boolean {
  return !/^[a-z][a-z\d+.-]*:/i.test(target) && !target.startsWith('#') && !target.startsWith('//');
}

/** Where a relative link lands, from the repository root (`packages/core/README.md`), or null past the root. */
export function resolveFromRepo(readme: Readme, target: string): string | null {
  const path = target.split('#')[0]?.split('?')[0] ?? '';
  const resolved = posix.normalize(posix.join(`packages/${readme.pkg}`, path));
  return resolved.startsWith('..') ? null : resolved;
}

/** The relative links that leave the package's folder (not in its tarball), as `path:line: target`. */
export function linksLeavingPackage(readme: Readme): string[] {
  return linksOf(readme.text)
    .filter(({ target }) => isRelative(target))
    .filter(({ target }) => {
      const resolved = resolveFromRepo(readme, target);
      return resolved === null || !`${resolved}/`.startsWith(`packages/${readme.pkg}/`);
    })
    .map(({ line, target }) => `${readme.path}:${line}: ${target}`);
}

/**
 * The repository's web address, from the published packages' `repository.url`
 * (`git+https://github.com/o/r.git` → `https://github.com/o/r`). Throws when they disagree.
 */
export function repositoryUrl(root: string, pkgs: readonly string[]): string {
  const urls = new Set(
    pkgs.map((pkg) => {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as {
        repository?: { url?: string };
      };
      return (manifest.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
    }),
  );
  if (urls.size !== 1)
    throw new Error(`The packages name ${urls.size} repositories: ${[...urls].join(', ')}`);
  return [...urls][0] ?? '';
}

/**
 * The links into the repository (`<base>/blob/main/<path>` or `<base>/tree/main/<path>`) whose path
 * is not in the repository, or that use another form, as `path:line: target`.
 */
export function brokenRepositoryLinks(readme: Readme, base: string, root: string): string[] {
  return linksOf(readme.text)
    .filter(({ target }) => target.startsWith(`${base}/`))
    .filter(({ target }) => {
      const match = /^\/(?:blob|tree)\/main\/([^#?]+)/.exec(target.slice(base.length));
      return !match?.[1] || !existsSync(join(root, decodeURIComponent(match[1])));
    })
    .map(({ line, target }) => `${readme.path}:${line}: ${target}`);
}
