// The release flow, without releasing: every published package carries what a registry page needs,
// `pnpm -r publish --dry-run` packs exactly the published packages, and changesets version them as
// intended — checked in temporary copies of the repo, never in the working tree.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  childEnv,
  type Manifest,
  pnpmCommand,
  publishedPackages,
  readJson,
  repo,
  run,
  shippedBesidesDist,
  workspacePackages,
} from './support.ts';

const published = publishedPackages();
const publishedNames = published.map((p) => p.manifest.name).sort();
const privateNames = workspacePackages()
  .filter((p) => p.manifest.private)
  .map((p) => p.manifest.name);

describe('published packages', () => {
  it('each have README.md, LICENSE, a license, repository.directory, engines and keywords', () => {
    expect(publishedNames.length).toBeGreaterThanOrEqual(6);
    for (const { dir, manifest } of published) {
      for (const file of ['README.md', 'LICENSE'])
        expect(existsSync(join(repo, dir, file)), `${dir}/${file}`).toBe(true);
      expect(readFileSync(join(repo, dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
      expect(manifest.license, manifest.name).toBe('MIT');
      expect(manifest.repository?.directory, manifest.name).toBe(dir);
      expect(manifest.repository?.url, manifest.name).toMatch(/^git\+https:\/\//);
      expect(manifest.engines?.node, manifest.name).toMatch(/^>=\d+/);
      expect(manifest.keywords?.length ?? 0, `${manifest.name} keywords`).toBeGreaterThanOrEqual(3);
      expect(manifest.publishConfig?.access, manifest.name).toBe('public');
    }
  });

  it('are all packed by `pnpm -r publish --dry-run` (and nothing private is)', async () => {
    const pnpm = pnpmCommand();
    // --dry-run: npm packs and stops before the upload, so no credentials are needed or used.
    // --force: list every package even once its current version is on the registry.
    const result = await run(
      pnpm.command,
      [...pnpm.args, '-r', 'publish', '--dry-run', '--no-git-checks', '--force'],
      {
        cwd: repo,
        timeout: 180_000,
      },
    );
    console.log(`pnpm -r publish --dry-run: ${result.seconds.toFixed(1)} s`);
    const output = `${result.stdout}\n${result.stderr}`;
    const announced = [...output.matchAll(/^\+ (@?[^@\s]+)@(\S+)$/gm)].map((m) => m[1]).sort();
    expect(announced).toEqual(publishedNames);
    for (const name of privateNames) expect(output).not.toContain(`${name}@`);

    // npm's listing of each tarball: dist, the README and the LICENSE ("files" is ["dist"]; npm adds both).
    const blocks = output.split(/npm notice 📦\s+/).slice(1);
    expect(blocks.length).toBe(publishedNames.length);
    for (const block of blocks) {
      const name = block.slice(0, block.lastIndexOf('@', block.indexOf('\n')));
      const contents = block.slice(block.indexOf('Tarball Contents'), block.indexOf('Tarball Details'));
      const files = [...contents.matchAll(/^npm notice [\d.]+k?B (\S+)$/gm)].map((m) => m[1]);
      expect(files, name).toEqual(
        expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.mjs']),
      );
      const manifest = published.find((p) => p.manifest.name === name)?.manifest;
      const besides = manifest ? shippedBesidesDist(manifest) : [];
      expect(
        files.filter((f) => f && !f.startsWith('dist/') && !besides.includes(f)),
        name,
      ).toEqual([]);
    }
  });
});

// ── changesets ───────────────────────────────────────────────────────────────────────────────────

type Bump = 'none' | 'patch' | 'minor' | 'major';
interface Status {
  changesets: Array<{ id: string; summary: string; releases: Array<{ name: string; type: Bump }> }>;
  releases: Array<{ name: string; type: Bump; oldVersion: string; newVersion: string; changesets: string[] }>;
}

const RANK: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };
const changesetBin = join(repo, 'node_modules', '@changesets', 'cli', 'bin.js');
const copies: string[] = [];

/**
 * The working tree (uncommitted changes included; no node_modules, builds or .git) in a temporary
 * directory, as a fresh one-commit git repo on `main` (changesets read git) whose node_modules is the
 * repo's. The real repo and its .git are never touched.
 */
async function copyRepo(): Promise<string> {
  const copy = mkdtempSync(join(tmpdir(), 'zenoti-release-'));
  copies.push(copy);
  const skip = new Set(['node_modules', 'dist', '.turbo', 'coverage', '.git']);
  cpSync(repo, copy, {
    recursive: true,
    filter: (source) => !skip.has(basename(source)) && !source.endsWith('.tgz'),
  });
  symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const git = (...args: string[]) =>
    run(
      'git',
      [
        '-c',
        'user.name=release-check',
        '-c',
        'user.email=release-check@localhost',
        '-c',
        'commit.gpgsign=false',
        ...args,
      ],
      {
        cwd: copy,
      },
    );
  await git('init', '--quiet', '--initial-branch=main');
  await git('add', '--all');
  await git('commit', '--quiet', '--no-verify', '--message', 'base');
  return copy;
}

async function changeset(copy: string, ...args: string[]): Promise<string> {
  const result = await run(process.execPath, [changesetBin, ...args], {
    cwd: copy,
    env: childEnv({ CI: 'true' }),
  });
  return result.stdout + result.stderr;
}

async function status(copy: string): Promise<Status> {
  await changeset(copy, 'status', '--output=changeset-status.json');
  return readJson<Status>(join(copy, 'changeset-status.json'));
}

const manifestIn = (copy: string, dir: string): Manifest =>
  readJson<Manifest>(join(copy, dir, 'package.json'));

/** `version` incremented by `bump` (no prereleases here). */
function increment(version: string, bump: Bump): string {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  if (bump === 'patch') return `${major}.${minor}.${patch + 1}`;
  return version;
}

/** Whether `version` satisfies `^base`, `~base` or exactly `base` (what pnpm publishes for workspace:^ / ~ / *). */
function satisfies(version: string, operator: '^' | '~' | '', base: string): boolean {
  const [a = 0, b = 0, c = 0] = version.split('.').map(Number);
  const [x = 0, y = 0, z = 0] = base.split('.').map(Number);
  const atLeast = a > x || (a === x && (b > y || (b === y && c >= z)));
  if (operator === '') return a === x && b === y && c === z;
  if (operator === '~') return atLeast && a === x && b === y;
  if (x > 0) return atLeast && a === x;
  if (y > 0) return atLeast && a === 0 && b === y;
  return a === 0 && b === 0 && c === z;
}

/**
 * Whether a `workspace:` peer range, as published, still admits `next` when it was written against
 * `current`: `workspace:^` / `~` / `*` follow the dependency's version at release time; an explicit
 * range such as `workspace:^0` (what 0.x adapters use for core) is published as written.
 */
function rangeAdmits(range: string, current: string, next: string): boolean {
  if (range === 'workspace:^') return satisfies(next, '^', current);
  if (range === 'workspace:~') return satisfies(next, '~', current);
  if (range === 'workspace:*') return next === current;
  const major = /^workspace:\^(\d+)$/.exec(range);
  if (major) return Number(next.split('.')[0]) === Number(major[1]);
  const caret = /^workspace:\^(\d+\.\d+\.\d+)$/.exec(range);
  if (caret?.[1]) return satisfies(next, '^', caret[1]);
  throw new Error(`unexpected workspace range ${range}`);
}

/** The bump each package's pending changesets ask for (the largest one). */
function requested(plan: Status): Map<string, Bump> {
  const wanted = new Map<string, Bump>();
  for (const { releases } of plan.changesets) {
    for (const { name, type } of releases) {
      if (RANK[type] > RANK[wanted.get(name) ?? 'none']) wanted.set(name, type);
    }
  }
  return wanted;
}

afterAll(() => {
  if (!process.env.KEEP_TEMP) for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

describe('changesets, in a temporary copy of the repo', () => {
  let copy = '';
  let plan: Status;
  const before = new Map<string, Manifest>();

  beforeAll(async () => {
    copy = await copyRepo();
    for (const { dir } of workspacePackages(copy)) before.set(dir, manifestIn(copy, dir));
    plan = await status(copy);
  });

  it('`changeset status` plans a release for every package a pending changeset names, none private', () => {
    expect(plan.changesets.length, 'pending changesets in .changeset/').toBeGreaterThan(0);
    const released = plan.releases.filter((r) => r.type !== 'none');
    for (const name of requested(plan).keys()) expect(released.map((r) => r.name)).toContain(name);
    for (const release of released) expect(publishedNames).toContain(release.name);
    for (const release of plan.releases.filter((r) => privateNames.includes(r.name))) {
      expect(release, release.name).toMatchObject({ type: 'none', newVersion: release.oldVersion });
    }
  });

  it('keeps the published peer ranges of every package it does not release satisfied', () => {
    const next = new Map(plan.releases.map((r) => [r.name, r]));
    for (const { dir, manifest } of publishedPackages(copy)) {
      if ((next.get(manifest.name)?.type ?? 'none') !== 'none') continue; // republished with new ranges
      for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
        const dependency = next.get(name);
        if (!range.startsWith('workspace:') || !dependency) continue;
        expect(
          rangeAdmits(range, dependency.oldVersion, dependency.newVersion),
          `${dir} stays on ${range} (${dependency.oldVersion}) of ${name}, which ${dependency.newVersion} leaves`,
        ).toBe(true);
      }
    }
  });

  it('raises a package above its own changesets only when a dependency leaves its peer range', () => {
    const next = new Map(plan.releases.map((r) => [r.name, r]));
    const wanted = requested(plan);
    for (const release of plan.releases) {
      if (RANK[release.type] <= RANK[wanted.get(release.name) ?? 'none']) continue;
      const manifest = publishedPackages(copy).find((p) => p.manifest.name === release.name)?.manifest;
      const left = Object.entries(manifest?.peerDependencies ?? {}).filter(([name, range]) => {
        const dependency = next.get(name);
        if (!range.startsWith('workspace:') || !dependency || dependency.type === 'none') return false;
        return !rangeAdmits(range, dependency.oldVersion, dependency.newVersion);
      });
      expect(
        release.type,
        `${release.name}: ${wanted.get(release.name)} asked, ${release.type} planned`,
      ).toBe('major');
      expect(
        left.map(([name]) => name),
        `${release.name}: why ${release.type}`,
      ).not.toEqual([]);
    }
  });

  // While the packages are 0.x, adapters take core as `workspace:^0`: a plain `workspace:^` would be
  // published as ^0.0.x, which a core minor leaves — changesets would then force every adapter to 1.0.0.
  it('releases each package at the bump its own changesets ask for (no forced major)', () => {
    const next = new Map(plan.releases.map((r) => [r.name, r]));
    for (const [name, bump] of requested(plan)) expect(next.get(name)?.type, name).toBe(bump);
  });

  it('`changeset version` applies the plan: versions, changelogs, changesets consumed, private untouched', async () => {
    await changeset(copy, 'version');
    for (const release of plan.releases) {
      const entry = workspacePackages(copy).find((p) => p.manifest.name === release.name);
      expect(entry, release.name).toBeDefined();
      if (!entry) continue;
      const { dir, manifest } = entry;
      const old = before.get(dir);
      if (release.type === 'none') {
        expect(manifest.version, `${dir} version`).toBe(old?.version);
        if (manifest.private)
          expect(existsSync(join(copy, dir, 'CHANGELOG.md')), `${dir}/CHANGELOG.md`).toBe(false);
        continue;
      }
      expect(manifest.version, dir).toBe(release.newVersion);
      expect(RANK[release.type]).toBeGreaterThanOrEqual(RANK[requested(plan).get(release.name) ?? 'none']);
      expect(manifest.version, dir).toBe(increment(release.oldVersion, release.type));
      const changelog = readFileSync(join(copy, dir, 'CHANGELOG.md'), 'utf8');
      expect(changelog).toContain(`## ${release.newVersion}`);
      for (const id of release.changesets) {
        const summary = plan.changesets.find((c) => c.id === id)?.summary ?? '';
        expect(changelog).toContain(summary.split('\n')[0]);
      }
    }
    // Internal ranges stay workspace: ranges (pnpm resolves them when packing).
    for (const { dir, manifest } of workspacePackages(copy)) {
      const old = before.get(dir);
      expect(manifest.peerDependencies, `${dir} peerDependencies`).toEqual(old?.peerDependencies);
      expect(manifest.devDependencies, `${dir} devDependencies`).toEqual(old?.devDependencies);
      expect(manifest.dependencies, `${dir} dependencies`).toEqual(old?.dependencies);
    }
    const left = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(left, 'changesets left after `changeset version`').toEqual([]);
  });

  it('from 1.0 on, a core minor releases core alone: adapters keep their version and workspace:^ range', async () => {
    const later = await copyRepo();
    for (const file of readdirSync(join(later, '.changeset')))
      if (file.endsWith('.md') && file !== 'README.md') rmSync(join(later, '.changeset', file));
    for (const { dir } of publishedPackages(later)) {
      const manifest = manifestIn(later, dir);
      // At 1.0 the 0.x ranges (workspace:^0) become plain workspace:^ (CONTRIBUTING.md says so).
      const peers = Object.fromEntries(
        Object.entries(manifest.peerDependencies ?? {}).map(([name, range]) => [
          name,
          range === 'workspace:^0' ? 'workspace:^' : range,
        ]),
      );
      writeFileSync(
        join(later, dir, 'package.json'),
        `${JSON.stringify({ ...manifest, version: '1.0.0', peerDependencies: peers }, null, 2)}\n`,
      );
    }
    writeFileSync(
      join(later, '.changeset', 'core-feature.md'),
      '---\n"@zenoti-auth/core": minor\n---\n\nA new core feature.\n',
    );
    const laterPlan = await status(later);
    const released = laterPlan.releases.filter((r) => r.type !== 'none');
    expect(released.map((r) => [r.name, r.type, r.newVersion])).toEqual([
      ['@zenoti-auth/core', 'minor', '1.1.0'],
    ]);

    await changeset(later, 'version');
    let dependents = 0;
    for (const { dir, manifest } of publishedPackages(later)) {
      expect(manifest.version, dir).toBe(manifest.name === '@zenoti-auth/core' ? '1.1.0' : '1.0.0');
      const core = manifest.peerDependencies?.['@zenoti-auth/core'];
      if (core === undefined) continue;
      dependents += 1;
      // Published (by pnpm) as ^1.0.0 when they were last released: core 1.1.0 still satisfies it.
      expect(core, dir).toBe('workspace:^');
    }
    expect(dependents, 'packages with a peer dependency on core').toBeGreaterThanOrEqual(4);
    expect(satisfies('1.1.0', '^', '1.0.0') && !satisfies('0.2.0', '^', '0.1.0')).toBe(true);
  });
});
