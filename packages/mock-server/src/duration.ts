const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parses a human duration into milliseconds: `'500ms'`, `'2s'`, `'5m'`, `'24h'`, `'90d'`, or a bare
 * number of milliseconds (`'1500'`). Decimals are allowed (`'1.5s'`). The result is rounded to a whole
 * millisecond.
 *
 * @throws Error naming the bad input when it is empty, negative, not a number, or has an unknown unit.
 * @example
 * parseDuration('24h'); // 86_400_000
 */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (Number.isFinite(input) && input >= 0) return Math.round(input);
    throw new Error(`zenoti-mock: invalid duration ${String(input)} (must be a finite number ≥ 0)`);
  }
  const text = typeof input === 'string' ? input.trim().toLowerCase() : '';
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d)?$/.exec(text);
  const unit = UNIT_MS[match?.[2] ?? 'ms'];
  if (!match || unit === undefined) {
    throw new Error(
      `zenoti-mock: invalid duration ${JSON.stringify(input)} (use a number of milliseconds or a number with a unit: 500ms, 2s, 5m, 24h, 90d)`,
    );
  }
  return Math.round(Number(match[1]) * unit);
}
