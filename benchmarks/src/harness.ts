/** What one benchmark reports: a figure, its baseline from the same run, and the target. */
export interface BenchResult {
  id: number;
  name: string;
  /** e.g. "ns/op", "req/s", "token calls", "kB". */
  unit: string;
  value: number;
  baselineName: string;
  baseline: number;
  /** value / baseline (or another comparison the target is stated in). */
  ratio: number;
  target: string;
  pass: boolean;
  /**
   * The A/A pair of the same run (the baseline against itself), printed beside `ratio` (`spread`):
   * how far the per-round ratios of two equal sides scatter, so a reader can tell a cost from noise.
   */
  aa?: Paired;
  /** Extra figures printed under the table. */
  notes: string[];
}

export interface Benchmark {
  id: number;
  name: string;
  run(): Promise<BenchResult | BenchResult[]>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs `a` and `b` in alternating rounds (so drift and noise hit both alike) and returns the
 * median of each. `measure` returns one figure per round.
 */
export async function alternate(
  rounds: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<{ a: number; b: number; aRounds: number[]; bRounds: number[] }> {
  const aRounds: number[] = [];
  const bRounds: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      aRounds.push(await a());
      bRounds.push(await b());
    } else {
      bRounds.push(await b());
      aRounds.push(await a());
    }
  }
  return { a: median(aRounds), b: median(bRounds), aRounds, bRounds };
}

/** One comparison of `pairedRounds`: both sides' figure per round, and what they sum up to. */
export interface Paired {
  variant: number[];
  baseline: number[];
  /** Per round: variant ÷ baseline. */
  ratios: number[];
  /** The median of `ratios`. */
  ratio: number;
}

/**
 * Measures each comparison `[variant, baseline]` in `rounds` rounds after `warmUp` rounds that are
 * not kept. In a round, every comparison runs its two sides back to back — variant first in even
 * rounds, baseline first in odd ones, so that neither side always runs first (ABBA) — and the ratio
 * of that round is taken. The median of the per-round ratios is robust to a slow spell of the
 * machine (it hits both sides of a round) and to the odd outlier round.
 */
export async function pairedRounds<N extends string>(
  comparisons: ReadonlyArray<readonly [variant: N, baseline: N]>,
  { rounds, warmUp }: { rounds: number; warmUp: number },
  measure: (name: N) => Promise<number>,
): Promise<Paired[]> {
  const out = comparisons.map((): Paired => ({ variant: [], baseline: [], ratios: [], ratio: Number.NaN }));
  for (let r = -warmUp; r < rounds; r++) {
    for (const [i, [variant, baseline]] of comparisons.entries()) {
      let v: number;
      let b: number;
      if (r % 2 === 0) {
        v = await measure(variant);
        b = await measure(baseline);
      } else {
        b = await measure(baseline);
        v = await measure(variant);
      }
      const pair = out[i] as Paired;
      if (r < 0) continue;
      pair.variant.push(v);
      pair.baseline.push(b);
      pair.ratios.push(v / b);
    }
  }
  for (const pair of out) pair.ratio = median(pair.ratios);
  return out;
}

/** `median 1.004×, quartiles 0.944–1.072`: a pair's ratio and how its per-round ratios scatter. */
export function spread(pair: Paired): string {
  const sorted = [...pair.ratios].sort((x, y) => x - y);
  const at = (q: number): string => fmt(sorted[Math.round(q * (sorted.length - 1))] as number, 3);
  return `median ${fmt(pair.ratio, 3)}×, quartiles ${at(0.25)}–${at(0.75)}`;
}

export function fmt(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(digits);
}
