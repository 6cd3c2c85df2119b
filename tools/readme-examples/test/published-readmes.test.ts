// The READMEs are published with the packages (npm shows them): they speak to users, who have the
// package and not this repository, and core's README documents what users meet.
import { DEFAULTS, isZenotiAuthError } from '@zenoti-auth/core';
import { ERROR_ANSWERS } from '@zenoti-auth/core/http';
import { describe, expect, it } from 'vitest';
import { publishedReadmes } from '../src/readmes.ts';

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
