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

export function fmt(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(digits);
}
