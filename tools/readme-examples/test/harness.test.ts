// The harness itself: markers are read as documented, and a wrong README block fails with its README
// line (a harness that found nothing wrong with anything would let every README example rot).
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMarker, readmeBlocks } from '../src/blocks.ts';
import { type Compiled, compileFixtures } from '../src/compile.ts';
import { fixturesOf } from '../src/fixtures.ts';
import { runExample } from '../src/run.ts';

const fence = '```';

describe('markers', () => {
  it('read the kind, the declared names, the environment and the flags', () => {
    expect(parseMarker(' fragment, declares: secrets, store ')).toMatchObject({
      kind: 'fragment',
      declares: ['secrets', 'store'],
    });
    expect(parseMarker(' run, continues, env: mock, SESSION_SECRET ')).toMatchObject({
      kind: 'run',
      continues: true,
      env: ['mock', 'SESSION_SECRET'],
    });
    expect(parseMarker(' same-type: TokenStore from @zenoti-auth/core ')).toMatchObject({
      kind: 'program',
      sameType: { name: 'TokenStore', module: '@zenoti-auth/core' },
    });
  });

  it('refuse what they do not know, so a typo cannot turn a check off', () => {
    expect(() => parseMarker('fragmnet')).toThrow(/unknown marker word "fragmnet"/);
    expect(() => parseMarker('run, enviroment: X')).toThrow(/unknown marker option "enviroment"/);
    expect(() => parseMarker('program, declares: app')).toThrow(/only a fragment declares names/);
    expect(() => parseMarker('fragment, env: X')).toThrow(/only a runnable block takes env/);
  });
});

describe('blocks', () => {
  it('are the ts, typescript and tsx fences, with their README lines; other fences are skipped', () => {
    const text = [
      '# x', // 1
      `${fence}sh`, // 2
      'npm i x', // 3
      fence, // 4
      '<!-- example: fragment, declares: app -->', // 5
      '', // 6
      `${fence}ts`, // 7
      'app.use();', // 8
      fence, // 9
      `${fence}typescript`, // 10
      'const a = 1;', // 11
      fence, // 12
    ].join('\n');
    const blocks = readmeBlocks('packages/hono/README.md', text);
    expect(blocks.map((b) => [b.pkg, b.index, b.line, b.markerLine, b.marker.kind, b.code])).toEqual([
      ['hono', 1, 8, 5, 'fragment', ['app.use();']],
      ['hono', 2, 11, 10, 'program', ['const a = 1;']],
    ]);
  });

  it('name the README line of a bad marker', () => {
    const text = ['<!-- example: frgament -->', `${fence}ts`, 'x', fence].join('\n');
    expect(() => readmeBlocks('packages/core/README.md', text)).toThrow(
      /packages\/core\/README.md:1: unknown/,
    );
  });

  it('a fragment may declare only names the harness knows for its README', () => {
    const text = ['<!-- example: fragment, declares: nonsense -->', `${fence}ts`, 'nonsense;', fence].join(
      '\n',
    );
    expect(() => fixturesOf(readmeBlocks('packages/core/README.md', text))).toThrow(
      /no declaration for "nonsense"/,
    );
  });
});

describe('a README with wrong blocks', () => {
  const readme = 'packages/core/README.md';
  const text = [
    `${fence}ts`, // 1
    "import { ZenotiAuth } from '@zenoti-auth/core';", // 2
    'new ZenotiAuth({ apiKey: 1 });', // 3: not a string
    fence, // 4
    '<!-- example: fragment, declares: secrets -->', // 5
    `${fence}ts`, // 6
    "const key: Promise<string> = secrets.get('k');", // 7: declared, fine
    'console.log(store);', // 8: used, never declared
    fence, // 9
    '<!-- example: same-type: TokenStore from @zenoti-auth/core -->', // 10
    `${fence}ts`, // 11
    'interface TokenStore { get(key: string): unknown }', // 12: not core's TokenStore
    fence, // 13
    '<!-- example: run -->', // 14
    `${fence}ts`, // 15
    "if (Number('1') === 1) throw new Error('the example found a wrong result');", // 16
    fence, // 17
  ].join('\n');
  const fixtures = fixturesOf(readmeBlocks(readme, text));
  let compiled: Compiled;
  beforeAll(() => {
    compiled = compileFixtures(fileURLToPath(new URL('../examples/self-test/', import.meta.url)), fixtures);
  });

  it('fail to compile, each problem at its README line', () => {
    const at = (line: number) => compiled.problems.filter((p) => p.startsWith(`${readme}:${line}:`));
    expect(compiled.problems).toHaveLength(3);
    expect(at(3).join()).toMatch(/TS2322: Type 'number' is not assignable to type 'string/);
    expect(at(8).join()).toMatch(/TS2304: Cannot find name 'store'/);
    expect(at(10).join()).toMatch(/same-type: the README's TokenStore differs/);
  });

  it('and a runnable block that throws exits non-zero', async () => {
    const runnable = fixtures.find((f) => f.block.marker.kind === 'run');
    if (!runnable) throw new Error('no runnable block');
    const result = await runExample(compiled.output(runnable), {});
    expect(result.code).toBe(1);
    expect(result.output).toContain('the example found a wrong result');
  });
});
