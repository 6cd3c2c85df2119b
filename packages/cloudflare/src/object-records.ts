import type { DurableObjectStorageLike } from './workers.ts';

/** A record in the object's storage: its value, and when it expires (ms, the object's clock). */
export interface Expiring<T> {
  value: T;
  until: number;
}

/** The record under `key`, unless it has expired (an expired one is deleted on the way). */
export async function readLive<T>(
  storage: DurableObjectStorageLike,
  key: string,
  now: number,
): Promise<T | undefined> {
  const record = await storage.get<Expiring<T>>(key);
  if (!record) return undefined;
  if (record.until > now) return record.value;
  await storage.delete(key);
  return undefined;
}

/**
 * Stores `value` under `key` until `until`. With `alarm`, makes sure an alarm comes no later than
 * `until`, to drop the record if nobody reads it again (leases skip that: the next lock replaces
 * an ended one, and the sweep drops any it finds).
 */
export async function writeExpiring<T>(
  storage: DurableObjectStorageLike,
  key: string,
  value: T,
  until: number,
  alarm: boolean,
): Promise<void> {
  await storage.put<Expiring<T>>(key, { value, until });
  if (!alarm) return;
  const next = await storage.getAlarm();
  if (next === null || next > until) await storage.setAlarm(until);
}

/** Records swept per alarm at most; a larger object is swept over several alarms. */
const SWEEP_BATCH = 1_000;

/**
 * The alarm's work: deletes every expired record, then sets the next alarm for the earliest expiry
 * of the records left (none: no alarm). Leases count only while they run, not for the next alarm.
 */
export async function sweepExpired(storage: DurableObjectStorageLike, now: number): Promise<void> {
  const records = await storage.list<Expiring<unknown>>({ limit: SWEEP_BATCH });
  let next = Number.POSITIVE_INFINITY;
  for (const [key, record] of records) {
    if (!(record?.until > now)) await storage.delete(key);
    else if (!key.startsWith('lock:')) next = Math.min(next, record.until);
  }
  if (records.size >= SWEEP_BATCH) next = Math.min(next, now + 1_000);
  if (Number.isFinite(next)) await storage.setAlarm(next);
}
