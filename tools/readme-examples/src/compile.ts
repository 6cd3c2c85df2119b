// Compiles every fixture in one TypeScript program (one type-check for all blocks, not one per block),
// with the settings of a strict new project (`tsc --init` of TypeScript 6: module nodenext, strict,
// exactOptionalPropertyTypes, noUncheckedIndexedAccess, verbatimModuleSyntax), Node's types and no
// DOM, plus the decorator settings Nest needs. The packages are imported by name, so they resolve as a
// user's would: to the built workspace packages (their `exports`, `dist` and `.d.ts`).
//
// The directory gets a tsconfig.json, so `npx tsc -p tools/readme-examples/examples` repeats the check.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import type { Fixture } from './fixtures.ts';

export const COMPILER_OPTIONS = {
  module: 'nodenext',
  target: 'es2022',
  lib: ['es2023'],
  types: ['node'],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noUncheckedSideEffectImports: true,
  moduleDetection: 'force',
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  skipLibCheck: true,
  rootDir: 'src',
  outDir: 'dist',
};

export interface Compiled {
  /** Every compiler error, as `README:line:column (block n) TSxxxx: message`. */
  problems: string[];
  /** The emitted JavaScript file of a fixture. */
  output(fixture: Fixture): string;
}

/** Writes the fixtures under `dir` (emptied first), type-checks them and emits JavaScript to `dir/dist`. */
export function compileFixtures(dir: string, fixtures: readonly Fixture[]): Compiled {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ['src'] }, null, 2)}\n`,
  );
  const byFile = new Map<string, Fixture>();
  for (const fixture of fixtures) {
    const file = join(dir, 'src', fixture.name);
    writeFileSync(file, `${fixture.lines.join('\n')}\n`);
    byFile.set(ts.sys.resolvePath(file), fixture);
  }

  const config = ts.getParsedCommandLineOfConfigFile(
    join(dir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error(`cannot read ${join(dir, 'tsconfig.json')}`);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics, ...config.errors];

  const problems = diagnostics.map((d) => {
    const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n  ')}`;
    if (!d.file || d.start === undefined) return message;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const fixture = byFile.get(ts.sys.resolvePath(d.file.fileName));
    const origin = fixture?.origins[line];
    if (!fixture || !origin)
      return `${relative(dir, d.file.fileName)}:${line + 1}:${character + 1} ${message}`;
    const note = origin.note ? ` [${origin.note}]` : '';
    return `${origin.readme}:${origin.line}:${character + 1} (block ${fixture.block.index}, ${fixture.name})${note} ${message}`;
  });
  return {
    problems,
    output: (fixture) => join(dir, 'dist', fixture.name.replace(/\.tsx?$/, '.js')),
  };
}
