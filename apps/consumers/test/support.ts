import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root. */
export const repo = fileURLToPath(new URL('../../../', import.meta.url));
/** This package's fixtures: the consumer sources copied into the temporary projects. */
export const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  keywords?: string[];
  engines?: Record<string, string>;
  repository?: { type?: string; url?: string; directory?: string };
  files?: string[];
  exports?: unknown;
  bin?: string | Record<string, string>;
  typesVersions?: Record<string, Record<string, string[]>>;
  scripts?: Record<string, string>;
  publishConfig?: { access?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** e.g. `packages/core` */
  dir: string;
  manifest: Manifest;
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Every workspace package of the repo at `root` (packages/*, apps/*, tools/*, benchmarks), private or not. */
export function workspacePackages(root = repo): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const parent of ['packages', 'apps', 'tools']) {
    if (!existsSync(join(root, parent))) continue;
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      const file = join(root, parent, entry.name, 'package.json');
      if (entry.isDirectory() && existsSync(file))
        found.push({ dir: `${parent}/${entry.name}`, manifest: readJson<Manifest>(file) });
    }
  }
  if (existsSync(join(root, 'benchmarks', 'package.json')))
    found.push({ dir: 'benchmarks', manifest: readJson<Manifest>(join(root, 'benchmarks', 'package.json')) });
  return found;
}

/** The packages that get published: packages/* that are not private. */
export function publishedPackages(root = repo): WorkspacePackage[] {
  return workspacePackages(root).filter((p) => p.dir.startsWith('packages/') && !p.manifest.private);
}

/**
 * The environment for npm, pnpm and node children: this process's, minus what `pnpm run` adds for
 * its scripts (npm would warn about `verify-deps-before-run`, and package/lifecycle variables of this
 * package must not leak into the consumer projects).
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_(command|execpath|node_execpath|lifecycle_|package_)|pnpm_|PNPM_)/.test(key)) continue;
    if (key === 'npm_config_user_agent' || key === 'npm_config_verify_deps_before_run') continue;
    env[key] = value;
  }
  return { ...env, npm_config_update_notifier: 'false', ...extra };
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Wall time, seconds. */
  seconds: number;
}

/** Runs a command; on failure the error says what it printed. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? childEnv(),
        timeout: options.timeout ?? 180_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const seconds = (performance.now() - started) / 1000;
        if (error) {
          reject(
            new Error(
              `\`${[command, ...args].join(' ')}\` (in ${options.cwd}) failed after ${seconds.toFixed(1)} s: ${error.message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
            ),
          );
        } else resolve({ stdout, stderr, seconds });
      },
    );
  });
}

/** pnpm as the repo pins it: the one on PATH when it is that version, else through npx. */
export function pnpmCommand(): { command: string; args: string[] } {
  const pinned = readJson<{ packageManager: string }>(join(repo, 'package.json')).packageManager.replace(
    /^pnpm@/,
    '',
  );
  try {
    const onPath = execFileSync('pnpm', ['--version'], { encoding: 'utf8', env: childEnv() }).trim();
    if (onPath === pinned) return { command: 'pnpm', args: [] };
  } catch {}
  return { command: 'npx', args: ['-y', `pnpm@${pinned}`] };
}

/** The files an `exports` map points at (types and code, every condition). */
export function exportedFiles(exports: unknown): string[] {
  if (typeof exports === 'string') return exports.endsWith('package.json') ? [] : [exports];
  if (exports && typeof exports === 'object') return Object.values(exports).flatMap(exportedFiles);
  return [];
}

/** The repo's catalog versions (pnpm-workspace.yaml), so the consumers use the versions the repo tests with. */
export function catalog(): Record<string, string> {
  const text = readFileSync(join(repo, 'pnpm-workspace.yaml'), 'utf8');
  const versions: Record<string, string> = {};
  for (const match of text.matchAll(/^ {2}"?([@\w/.-]+)"?:\s*([^\s#]+)\s*$/gm)) {
    const [, name, version] = match;
    if (name && version) versions[name] = version;
  }
  return versions;
}

/**
 * What a package ships besides `dist/`: LICENSE, README.md, package.json, and the files its `bin`
 * names (a committed launcher, so that installing never meets a bin whose target is not built yet).
 */
export function shippedBesidesDist(manifest: Manifest): string[] {
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  return ['LICENSE', 'README.md', 'package.json', ...bins.map((bin) => bin.replace(/^\.\//, ''))];
}
