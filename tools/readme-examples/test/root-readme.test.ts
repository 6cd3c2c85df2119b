// The repository's README (not published) is where a new user picks packages: it opens with a
// picker (situation → packages) and lists every published package, one line each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedPackages } from '../src/published-packages.ts';
import { repo } from '../src/readmes.ts';

const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const published = publishedPackages();

/** The text of the `## <title>` section, up to the next `## `. */
function section(text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  if (start < 0) return '';
  const next = text.indexOf('\n## ', start + 1);
  return text.slice(start, next < 0 ? undefined : next);
}

/** The package list's rows: `| [`@zenoti-auth/x`](packages/x) | what it is |`, by name. */
function packageRows(text: string): Map<string, { link: string; what: string }> {
  const rows = new Map<string, { link: string; what: string }>();
  for (const m of section(text, 'Packages').matchAll(
    /^\| \[`(@zenoti-auth\/[\w-]+)`\]\(([^)]+)\) \| (.*) \|$/gm,
  ))
    rows.set(m[1] as string, { link: m[2] as string, what: (m[3] as string).trim() });
  return rows;
}

describe('the root README', () => {
  it('finds the published packages (at least the nine of issue 26)', () => {
    expect(published.map((p) => p.dir)).toEqual(
      expect.arrayContaining([
        'axios',
        'cli',
        'cloudflare',
        'core',
        'hono',
        'mock-server',
        'nestjs',
        'opentelemetry',
        'redis',
      ]),
    );
  });

  it('lists every published package with a link to it and a one-line description', () => {
    const rows = packageRows(readme);
    const missing = published.filter((p) => !rows.has(p.name)).map((p) => p.name);
    expect(missing).toEqual([]);
    for (const p of published) {
      expect(rows.get(p.name)?.link, p.name).toBe(`packages/${p.dir}`);
      expect(rows.get(p.name)?.what.length, `${p.name}'s description`).toBeGreaterThan(20);
    }
  });

  it('lists nothing that is not a published package', () => {
    const names = new Set(published.map((p) => p.name));
    expect([...packageRows(readme).keys()].filter((name) => !names.has(name))).toEqual([]);
    // The picker and the prose name only packages that exist; planned ones are said to be planned.
    const named = new Set([...readme.matchAll(/@zenoti-auth\/[\w-]+/g)].map((m) => m[0]));
    expect([...named].filter((name) => !names.has(name))).toEqual([]);
  });

  it('opens with the picker: a situation → packages table that names every published package', () => {
    expect(readme.match(/^## .*/m)?.[0]).toBe('## Which packages do I need?');
    const picker = section(readme, 'Which packages do I need?');
    for (const situation of [
      /API key/,
      /fleet/i,
      /Workers/,
      /browser app/i,
      /guest or therapist/i,
      /NestJS/,
      /axios/,
      /telemetry|OpenTelemetry/i,
      /Operations/,
    ])
      expect(picker).toMatch(situation);
    expect(picker).toMatch(/\*\*Express\*\*[^|]*\| `@zenoti-auth\/express`/);
    expect(published.filter((p) => !picker.includes(`\`${p.name}\``)).map((p) => p.name)).toEqual([]);
  });

  it('the check fails for a package missing from the list', () => {
    const withoutCloudflare = readme.replace(/^\| \[`@zenoti-auth\/cloudflare`\].*\n/m, '');
    expect(packageRows(withoutCloudflare).has('@zenoti-auth/cloudflare')).toBe(false);
    expect(packageRows(readme).has('@zenoti-auth/cloudflare')).toBe(true);
  });
});
