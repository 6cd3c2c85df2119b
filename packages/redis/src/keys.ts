/**
 * The Redis keys of one store key `K` under `prefix`: its token set `prefix{K}`, its lock
 * `prefix{K}:lock` and its guard `prefix{K}:guard`. The braces are a hash tag: Redis Cluster puts
 * every key of one identity in one hash slot, so one master holds them all and the Lua scripts that
 * touch them run there (a prefix with a hash tag of its own puts every key in that tag's slot).
 */
export function keysOf(prefix: string, key: string): { set: string; lock: string; guard: string } {
  const set = `${prefix}{${key.endsWith(':lock') ? key.slice(0, -':lock'.length) : key}}`;
  return { set, lock: `${set}:lock`, guard: `${set}:guard` };
}
