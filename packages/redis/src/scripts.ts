/**
 * The Lua scripts that make the store's writes atomic. Token-set values are JSON envelopes
 * `{"v":version,"k":keyId?,"s":set}` or `{"v":version,"k":keyId,"e":ciphertext}`, so a script can
 * read the version without decrypting. `k` identifies the encryption key (absent for plain text):
 * versions only compare between writers that can read each other's sets.
 */

/** Reads the version of the stored envelope when it was written with the same key id (ARGV[kidArg]). */
const STORED_VERSION = (kidArg: number): string => `
local function stored_version(raw)
  local ok, doc = pcall(cjson.decode, raw)
  if not ok or type(doc) ~= 'table' then return nil end
  local kid = doc['k']
  if type(kid) ~= 'string' then kid = '' end
  if kid ~= ARGV[${kidArg}] then return nil end
  return tonumber(doc['v'])
end
`;

/**
 * Monotonic write. KEYS[1] token-set key; ARGV[1] envelope; ARGV[2] version; ARGV[3] TTL in ms;
 * ARGV[4] key id (or ''). Keeps a stored set of a higher version; returns 1 when written, 0 when kept.
 */
export const SET_IF_NOT_OLDER = `${STORED_VERSION(4)}
local current = redis.call('GET', KEYS[1])
if current then
  local stored = stored_version(current)
  if stored ~= nil and stored > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
`;

/**
 * Compare-and-delete by version. KEYS[1] token-set key; ARGV[1] version, or '' to delete whatever is
 * stored; ARGV[2] key id (or ''). Returns the number of keys deleted.
 */
export const DELETE_IF_VERSION = `${STORED_VERSION(2)}
if ARGV[1] == '' then return redis.call('DEL', KEYS[1]) end
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if stored_version(current) == tonumber(ARGV[1]) then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Releases a lock only for its owner and tells the waiters. KEYS[1] lock key; ARGV[1] owner;
 * ARGV[2] release channel; ARGV[3] message (the lock key). Returns 1 when released.
 */
export const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0
`;

/**
 * Keeps a lock alive for at least ARGV[2] ms more, only for its owner (never shortens it).
 * KEYS[1] lock key; ARGV[1] owner. Returns 1 while the caller still owns the lock, else 0.
 */
export const EXTEND_LOCK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
`;
