// The consumer fixture (type-checked under every tsconfig mode by consumers.test.ts) imports every
// subpath of every published package, as each package.json's `exports` lists them: a subpath that
// no consumer imports could lack types under one resolution (node10 without typesVersions) unseen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportedSpecifiers, notImported } from './subpaths.ts';
import { fixtures, publishedPackages } from './support.ts';

const published = publishedPackages();
const specifiers = exportedSpecifiers(published);
const api = readFileSync(join(fixtures, 'api.ts'), 'utf8');

describe('fixtures/api.ts', () => {
  it('imports every exported subpath of every published package', () => {
    expect(specifiers).toContain('@zenoti-auth/core/http');
    expect(specifiers).toContain('@zenoti-auth/redis/rate-budget');
    expect(notImported(specifiers, api)).toEqual([]);
  });

  it('the check names a subpath that is not imported', () => {
    const without = api.replace(/^import .*'@zenoti-auth\/core\/http';$/m, '');
    expect(notImported(specifiers, without)).toEqual(['@zenoti-auth/core/http']);
    const packages = [
      {
        dir: 'packages/x',
        manifest: {
          name: '@x/y',
          version: '1.0.0',
          exports: { '.': './a.js', './z': './z.js', './package.json': './package.json' },
        },
      },
    ];
    expect(notImported(exportedSpecifiers(packages), "import { a } from '@x/y';\n")).toEqual(['@x/y/z']);
  });
});

describe('the published package.json files', () => {
  it('map every subpath to its CommonJS types in typesVersions, for moduleResolution node10', () => {
    for (const { manifest } of published) {
      const subpaths = Object.keys((manifest.exports ?? {}) as Record<string, unknown>)
        .filter((subpath) => subpath.startsWith('./') && subpath !== './package.json')
        .map((subpath) => subpath.slice(2));
      // node10 ignores `exports`: without a typesVersions entry an import of the subpath is TS2307.
      const expected = Object.fromEntries(subpaths.map((name) => [name, [`./dist/${name}.d.cts`]]));
      expect(manifest.typesVersions?.['*'] ?? {}, manifest.name).toEqual(expected);
      if (subpaths.length === 0) expect(manifest.typesVersions, manifest.name).toBeUndefined();
    }
  });

  it('check every resolution with attw, node10 included (no profile or rule that skips it)', () => {
    for (const { manifest } of published) {
      const script = manifest.scripts?.['lint:package'] ?? '';
      expect(script, manifest.name).toMatch(/\battw --pack\b/);
      expect(script, manifest.name).not.toMatch(/--profile\b|--ignore-rules\b/);
    }
  });
});
