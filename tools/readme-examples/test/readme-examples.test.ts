// Every TypeScript block of every published README compiles, in one strict TypeScript program against
// the built packages, and every block marked `run` exits 0 against the mock Zenoti. The markers are
// described in src/blocks.ts. A failure names the README line: fix the README, not the harness.
import { fileURLToPath } from 'node:url';
import { type RunningMockZenoti, startMockZenoti } from '@zenoti-auth/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Compiled, compileFixtures } from '../src/compile.ts';
import { fixturesOf } from '../src/fixtures.ts';
import { type ExampleEnvironment, envFor, exampleEnvironment } from '../src/mock-env.ts';
import { blocksOf, publishedReadmes } from '../src/readmes.ts';
import { runExample } from '../src/run.ts';

const dir = fileURLToPath(new URL('../examples/readmes/', import.meta.url));
const readmes = publishedReadmes();
const fixtures = readmes.flatMap((readme) => fixturesOf(blocksOf(readme)));
const runnable = fixtures.filter((f) => f.block.marker.kind === 'run');

let compiled: Compiled;
let zenoti: RunningMockZenoti | undefined;
let environment: ExampleEnvironment;

beforeAll(async () => {
  compiled = compileFixtures(dir, fixtures);
  zenoti = await startMockZenoti({ rateLimit: false });
  environment = exampleEnvironment(zenoti.url);
});
afterAll(async () => {
  await zenoti?.close();
});

describe('README examples', () => {
  it('finds TypeScript blocks in every published README', () => {
    const counted = Object.fromEntries(
      readmes.map((r) => [r.path, fixtures.filter((f) => f.block.readme === r.path).length]),
    );
    for (const [readme, count] of Object.entries(counted)) expect(count, readme).toBeGreaterThan(0);
  });

  it('compile with strict settings against the built packages', () => {
    expect(compiled.problems).toEqual([]);
  });

  it('include a runnable example for core, each adapter with a runnable flow, and the mock', () => {
    const withRun = new Set(runnable.map((f) => f.block.pkg));
    for (const pkg of ['core', 'hono', 'axios', 'mock-server']) expect(withRun, pkg).toContain(pkg);
  });

  // Concurrently: each run is mostly Node starting up and loading the packages.
  it.concurrent.for(runnable.map((f) => [`${f.block.readme}:${f.block.line} (${f.name})`, f] as const))(
    '%s runs against the mock Zenoti and exits 0',
    async ([, fixture], { expect }) => {
      const result = await runExample(
        compiled.output(fixture),
        envFor(fixture.block.marker.env, environment),
      );
      expect(result.code, result.output).toBe(0);
    },
  );
});
