/**
 * `value` without its `undefined` fields, so that an option given as `undefined` (as
 * `exactOptionalPropertyTypes` projects write `process.env.X`) takes its default, like one left out.
 */
export function defined<T extends object>(
  value: T | undefined,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
