// The TypeScript blocks of a README and the markers that say how each one is checked.
//
// A block is a fence opened with ```ts, ```typescript or ```tsx at the start of a line. The line just
// before it (blank lines skipped) may be a marker, an HTML comment that GitHub and npm do not show:
//
//   <!-- example: fragment, declares: secrets, store -->
//
// - no marker, or `program`: a whole program; it must compile as it stands.
// - `fragment, declares: a, b`: uses names defined elsewhere in the README; the harness declares them
//   (typed, from declarations.ts) before the block. Every other name must come from the block itself.
// - `run, env: NAME, …`: a whole program that is also run, against the mock Zenoti, with only those
//   environment variables set (see mock-env.ts); it must exit 0, so it checks its own result.
// - `continues` (after the kind): the block is compiled (and run) after the README's previous block,
//   in one file: a "try it" block that uses the app the previous block built.
// - `same-type: Name from module`: the block declares a type `Name` that must be identical to the
//   one the module exports (a README that spells out an interface cannot drift from it).

export type ExampleKind = 'program' | 'fragment' | 'run';

export interface Marker {
  kind: ExampleKind;
  /** Names the harness declares before a fragment. */
  declares: string[];
  /** Environment variables a runnable block is given. */
  env: string[];
  /** Compiled (and run) after the previous block of the same README. */
  continues: boolean;
  /** A type the block declares that must equal a published one. */
  sameType: { name: string; module: string } | undefined;
}

export interface ReadmeBlock {
  /** The README, relative to the repository root, e.g. `packages/core/README.md`. */
  readme: string;
  /** The package directory's name, e.g. `core`. */
  pkg: string;
  /** 1-based position among the README's TypeScript blocks. */
  index: number;
  /** 1-based README line of the block's first code line. */
  line: number;
  /** 1-based README line of the marker, or of the fence when there is none. */
  markerLine: number;
  code: string[];
  marker: Marker;
}

const KINDS: readonly string[] = ['program', 'fragment', 'run'];
const TS_FENCE = /^```(ts|typescript|tsx)\s*$/;
const ANY_FENCE = /^(`{3,}|~{3,})/;
const MARKER = /^<!--\s*example:(.*)-->\s*$/;

/** Reads a marker's text (what follows `example:`). Throws, naming the problem, for anything unknown. */
export function parseMarker(text: string): Marker {
  const marker: Marker = { kind: 'program', declares: [], env: [], continues: false, sameType: undefined };
  const tokens = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  let list: string[] | undefined;
  tokens.forEach((token, position) => {
    const keyed = /^([\w-]+)\s*:\s*(.*)$/.exec(token);
    if (keyed) {
      const [, key, value = ''] = keyed;
      if (key === 'declares') list = marker.declares;
      else if (key === 'env') list = marker.env;
      else if (key === 'same-type') {
        const same = /^(\w+)\s+from\s+(\S+)$/.exec(value);
        if (!same?.[1] || !same[2]) throw new Error(`same-type must read "Name from module", got "${value}"`);
        marker.sameType = { name: same[1], module: same[2] };
        list = undefined;
        return;
      } else throw new Error(`unknown marker option "${key}"`);
      if (value) list.push(value);
      return;
    }
    if (list) list.push(token);
    else if (position === 0 && KINDS.includes(token)) marker.kind = token as ExampleKind;
    else if (token === 'continues') marker.continues = true;
    else throw new Error(`unknown marker word "${token}" (kinds: ${KINDS.join(', ')}; flag: continues)`);
  });
  for (const name of [...marker.declares, ...marker.env])
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`"${name}" is not a name`);
  if (marker.declares.length > 0 && marker.kind !== 'fragment')
    throw new Error('only a fragment declares names');
  if (marker.env.length > 0 && marker.kind !== 'run') throw new Error('only a runnable block takes env');
  return marker;
}

/** Every TypeScript block of a README, with its marker. Throws (naming the line) for a bad marker. */
export function readmeBlocks(readme: string, text: string): ReadmeBlock[] {
  const lines = text.split('\n');
  const pkg = readme.split('/').at(-2) ?? readme;
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s+```(ts|typescript|tsx)\b/.test(line))
      throw new Error(`${readme}:${i + 1}: an indented TypeScript block; start it at the line's beginning`);
    const fence = ANY_FENCE.exec(line)?.[1];
    if (!fence) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && (lines[end] ?? '').trimEnd() !== fence) end++;
    if (end >= lines.length) throw new Error(`${readme}:${start + 1}: a code block that is never closed`);
    i = end;
    if (!TS_FENCE.test(line)) continue;

    let before = start - 1;
    while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
    const markerText = MARKER.exec((lines[before] ?? '').trim())?.[1];
    let marker: Marker;
    try {
      marker = markerText === undefined ? parseMarker('') : parseMarker(markerText);
    } catch (error) {
      throw new Error(`${readme}:${before + 1}: ${(error as Error).message}`);
    }
    blocks.push({
      readme,
      pkg,
      index: blocks.length + 1,
      line: start + 2,
      markerLine: markerText === undefined ? start + 1 : before + 1,
      code: lines.slice(start + 1, end),
      marker,
    });
  }
  for (const block of blocks)
    if (block.marker.continues && block.index === 1)
      throw new Error(`${readme}:${block.markerLine}: the first block cannot continue another`);
  return blocks;
}
