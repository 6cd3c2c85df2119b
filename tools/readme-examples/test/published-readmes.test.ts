// The READMEs are published with the packages (npm shows them): they speak to users, who have the
// package and not this repository, and core's README documents what users meet.
import { DEFAULTS, isZenotiAuthError } from '@zenoti-auth/core';
import { ERROR_ANSWERS } from '@zenoti-auth/core/http';
import { describe, expect, it } from 'vitest';
import { brokenRepositoryLinks, linksLeavingPackage, linksOf, repositoryUrl } from '../src/links.ts';
import { publishedReadmes, repo } from '../src/readmes.ts';

const readmes = publishedReadmes();

/** What only exists in the monorepo: a user of the package can neither run nor open it. */
const MONOREPO_ONLY: ReadonlyArray<[RegExp, string]> = [
  [/(^|[\s`(./])scripts\//, "the repository's scripts/"],
  [/pnpm --filter/, 'a workspace command (pnpm --filter)'],
  [/(^|[\s`(./])benchmarks\//, "the repository's benchmarks/"],
  [/(^|[\s`(./])tools\//, "the repository's tools/"],
  [/\.\.\/shared\b/, 'a shared folder of the repository (../shared)'],
  [/^#{1,6}\s+Size\b/, 'a "Size" section (measured by the repository\'s scripts)'],
];

describe('published READMEs', () => {
  it('point at nothing that only exists in the monorepo', () => {
    const found: string[] = [];
    for (const readme of readmes)
      readme.text.split('\n').forEach((line, i) => {
        for (const [pattern, what] of MONOREPO_ONLY)
          if (pattern.test(line)) found.push(`${readme.path}:${i + 1}: ${what}: ${line.trim()}`);
      });
    expect(found).toEqual([]);
  });

  // npm shows the README from the tarball, which holds only the package's folder.
  it('link out of the package only to the repository, by absolute address', () => {
    expect(readmes.flatMap(linksLeavingPackage)).toEqual([]);
  });

  it('link only to paths that exist in the repository, on main', () => {
    const base = repositoryUrl(
      repo,
      readmes.map((r) => r.pkg),
    );
    expect(base).toBe('https://github.com/zenoti-auth/zenoti-auth');
    expect(readmes.flatMap((readme) => brokenRepositoryLinks(readme, base, repo))).toEqual([]);
  });

  it('the link checks see wrapped, reference and HTML links, and skip code', () => {
    const readme = {
      path: 'packages/hono/README.md',
      pkg: 'hono',
      text: [
        'See [the',
        'core README](../core/README.md#options), [the demo](../../apps/hono-demo).',
        '[ref]: ../redis/README.md',
        '<a href="../cli">cli</a> [licence](./LICENSE) [here](#install) [npm](https://npmjs.com)',
        '```sh',
        'cat [x](../../secret)',
        '```',
        '`[y](../z)` and [missing](https://github.com/zenoti-auth/zenoti-auth/blob/main/packages/nope.md)',
      ].join('\n'),
    };
    expect(linksOf(readme.text).map((l) => l.line)).toEqual([2, 2, 3, 4, 4, 4, 4, 8]);
    expect(linksLeavingPackage(readme)).toEqual([
      'packages/hono/README.md:2: ../core/README.md#options',
      'packages/hono/README.md:2: ../../apps/hono-demo',
      'packages/hono/README.md:3: ../redis/README.md',
      'packages/hono/README.md:4: ../cli',
    ]);
    expect(brokenRepositoryLinks(readme, 'https://github.com/zenoti-auth/zenoti-auth', repo)).toEqual([
      'packages/hono/README.md:8: https://github.com/zenoti-auth/zenoti-auth/blob/main/packages/nope.md',
    ]);
  });

  it('the check sees a Size section and a script path', () => {
    const sample = ['## Size', 'run `node scripts/size.mjs`'];
    const hits = sample.filter((line) => MONOREPO_ONLY.some(([pattern]) => pattern.test(line)));
    expect(hits).toEqual(sample);
  });
});

describe("core's README", () => {
  const core = readmes.find((r) => r.pkg === 'core')?.text ?? '';
  const tableRow = (name: string) => new RegExp(`^\\| \`${name}\` +\\|`, 'm');

  it('documents shareInFlight, isZenotiAuthError and the STORE code', () => {
    expect(core).toMatch(tableRow('shareInFlight'));
    expect(typeof isZenotiAuthError).toBe('function');
    expect(core).toMatch(/`isZenotiAuthError\(value\)`/);
    expect(core).toMatch(tableRow('STORE'));
  });

  it('has a row for every error code and every defaulted option', () => {
    const missing = [...Object.keys(ERROR_ANSWERS), ...Object.keys(DEFAULTS)].filter(
      (name) => !tableRow(name).test(core),
    );
    expect(missing).toEqual([]);
  });
});
