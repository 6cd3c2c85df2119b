/**
 * The Lua scripts that make the store's writes atomic, kept short: they are sent with every call.
 *
 * Token-set values are JSON envelopes `{"v":version,"s":set}` or `{"v":version,"k":keyId,"e":sealed}`,
 * so a script reads the version without decrypting. `k` identifies the encryption key (absent for
 * plain text): versions only compare between writers that can read each other's sets.
 */

/**
 * Monotonic write and compare-and-delete. KEYS[1] token-set key; ARGV[1] key id ('' for plain text);
 * ARGV[2] version. `v` is the stored version, or false when there is none this writer can read
 * (no value, not JSON, another key id).
 * - Write (ARGV[3] envelope, ARGV[4] TTL in ms): unless the stored set has a higher version.
 * - Repair (a write with ARGV[5], the unreadable value the writer last read there): replaces that
 *   very value whatever its version; if the value has changed since, writes only where there is no
 *   `v` (what another process wrote meanwhile stands, even at the same version).
 * - Delete (no ARGV[3]): when ARGV[2] is '' or the stored version.
 */
export const TOKEN_SET = `local k=KEYS[1]
local r=redis.call('GET',k)
local o,d=pcall(cjson.decode,r or '')
local v=o and type(d)=='table' and (d.k or '')==ARGV[1] and tonumber(d.v)
if ARGV[3] then
if r==ARGV[5] or not v or not ARGV[5] and v<=tonumber(ARGV[2]) then redis.call('SET',k,ARGV[3],'PX',ARGV[4]) end
elseif ARGV[2]=='' or v==tonumber(ARGV[2]) then redis.call('DEL',k) end`;

/**
 * The lock, for its owner only. KEYS[1] lock key; ARGV[1] owner. Returns 1 while ARGV[1] owns it.
 * - Release (ARGV[3] release channel): deletes it and publishes its key on the channel.
 * - Extend (ARGV[2] ms): makes it live at least that long (never shortens it).
 */
export const LOCK = `local k=KEYS[1]
if redis.call('GET',k)~=ARGV[1] then return 0 end
if ARGV[3] then
redis.call('DEL',k)
redis.call('PUBLISH',ARGV[3],k)
elseif redis.call('PTTL',k)<tonumber(ARGV[2]) then redis.call('PEXPIRE',k,ARGV[2]) end
return 1`;
