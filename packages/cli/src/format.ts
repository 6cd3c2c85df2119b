/** Human text helpers shared by the two commands' output. */

/** `ms` as a short duration: `850 ms`, `12.3 s`, `4 min 10 s`, `3 h 20 min`, `89 d 23 h`. */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${Math.round(abs)} ms`;
  if (abs < 60_000) return `${(abs / 1_000).toFixed(1)} s`;
  const s = Math.floor(abs / 1_000);
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor(s / 3_600) % 24, Math.floor(s / 60) % 60];
  const and = (n: number, unit: string): string => (n > 0 ? ` ${n} ${unit}` : '');
  if (d > 0) return `${d} d${and(h, 'h')}`;
  if (h > 0) return `${h} h${and(m, 'min')}`;
  return `${m} min${and(s % 60, 's')}`;
}

/** A time (ms since the Unix epoch) as ISO text, with how far it is from `now`: `2026-12-08T10:00:00.000Z (in 3 h 20 min)` or `(… ago)`. */
export function when(ms: number, now: number): string {
  const delta = ms - now;
  return `${new Date(ms).toISOString()} (${delta >= 0 ? `in ${duration(delta)}` : `${duration(delta)} ago`})`;
}

/** Aligned `label  value` lines, indented. */
export function rows(entries: ReadonlyArray<readonly [string, string]>, indent = '  '): string[] {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`);
}
