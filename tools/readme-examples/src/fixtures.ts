// One TypeScript file per README block: the block's lines, plus what its marker asks the harness to
// write around them (declarations before a fragment, the previous block before a `continues` block, a
// type check after a `same-type` block). Each line remembers the README line it came from, so a
// compiler error points at the README, not at the generated file.
import type { ReadmeBlock } from './blocks.ts';
import { declarationOf } from './declarations.ts';

export interface Origin {
  readme: string;
  line: number;
  /** What the harness wrote there, for a line that is not the README's own. */
  note?: string;
}

export interface Fixture {
  /** File name, after the README and the block's position in it: `hono-05.ts`. */
  name: string;
  block: ReadmeBlock;
  lines: string[];
  /** The origin of each of `lines`. */
  origins: Origin[];
}

export function fixtureName(block: ReadmeBlock): string {
  return `${block.pkg}-${String(block.index).padStart(2, '0')}.ts`;
}

/** The fixtures of one README's blocks, in order. Throws for a name no declaration covers. */
export function fixturesOf(blocks: readonly ReadmeBlock[]): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const block of blocks) {
    const lines: string[] = [];
    const origins: Origin[] = [];
    const add = (line: string, origin: Origin): void => {
      lines.push(line);
      origins.push(origin);
    };
    const at = (note: string): Origin => ({ readme: block.readme, line: block.markerLine, note });

    if (block.marker.continues) {
      const previous = fixtures.at(-1);
      if (!previous) throw new Error(`${block.readme}:${block.markerLine}: nothing to continue`);
      for (const [i, line] of previous.lines.entries()) add(line, previous.origins[i] as Origin);
    }
    for (const name of block.marker.declares) {
      const type = declarationOf(block.pkg, name);
      if (!type)
        throw new Error(
          `${block.readme}:${block.markerLine}: no declaration for "${name}" in src/declarations.ts (${block.pkg})`,
        );
      add(`declare const ${name}: ${type};`, at(`declares: ${name}`));
    }
    for (const [i, line] of block.code.entries()) add(line, { readme: block.readme, line: block.line + i });
    const same = block.marker.sameType;
    if (same) {
      const note = `same-type: the README's ${same.name} differs from the one ${same.module} exports`;
      add(`import type { ${same.name} as Published${same.name} } from '${same.module}';`, at(note));
      add(
        'type SameType<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;',
        at(note),
      );
      add(`export const sameTypeCheck: SameType<${same.name}, Published${same.name}> = true;`, at(note));
    }
    fixtures.push({ name: fixtureName(block), block, lines, origins });
  }
  return fixtures;
}
