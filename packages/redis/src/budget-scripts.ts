/*
 * The Lua scripts of `RedisRateBudget`. The budget is one Redis hash: `end` (ms, Redis' clock),
 * `used`, `limit`, `interval`, `reported` (1 when `end` came from Zenoti's report, 0 while it is a
 * guess) and `account` (whose budget it is). Both scripts read Redis' own clock (TIME), so processes
 * whose clocks differ still agree on the window.
 *
 * Every number is bounded where it is read, stored or reported: a window or pause of at most a day
 * (`D`), a limit from 1 to a million, no NaN or infinity. An absurd header (`RateLimit-Reset: 1e12`,
 * `Organization-RateLimit-Limit: 0`) or a corrupt hash then costs at most a day, and the TTL, computed
 * before the write, is always a whole number of ms ≤ a day: the key never lives for ever.
 */

/** Reads the hash (and the defaults, ARGV[1] limit, ARGV[2] interval) into bounded numbers. */
const READ = `local t=redis.call('TIME')
local now=t[1]*1000+math.floor(t[2]/1000)
local D=86400000
local function n(x,lo,hi) x=tonumber(x) if x and x==x and x>=lo then return math.floor(math.min(x,hi)) end end
local h=redis.call('HMGET',KEYS[1],'end','used','limit','interval','reported')
local e,u,r=n(h[1],0,now+D) or 0,n(h[2],0,1e9) or 0,tonumber(h[5]) or 0
local l,i=n(h[3],1,1e6) or n(ARGV[1],1,1e6) or 60,n(h[4],1,D) or n(ARGV[2],1,D) or 60000
`;

/** Writes the window back, with its account (ARGV[3]), for the window's rest + its length, ≤ a day. */
const SAVE = `local ttl=math.min(math.max(e-now,0)+i,D)
redis.call('HSET',KEYS[1],'end',e,'used',u,'limit',l,'interval',i,'reported',r,'account',ARGV[3])
redis.call('PEXPIRE',KEYS[1],ttl)`;

/** Takes one permit (returns 0), or returns the ms until the window refills. ARGV: limit, interval, account. */
export const TAKE = `${READ}if now>=e then e,u,r=now+i,0,0 end
if u>=l then return e-now end
u=u+1
${SAVE}
return 0`;

/**
 * Follows Zenoti's report. ARGV: limit, interval, account; remaining, reset ms, limit, interval,
 * Retry-After ms ('' when not reported). The same rules as core's MemoryRateBudget.observe().
 */
export const OBSERVE = `${READ}l=n(ARGV[6],1,1e6) or l
i=n(ARGV[7],1,D) or i
local rem,re=n(ARGV[4],0,1e9),n(ARGV[5],0,D)
if rem and re then
re=now+re
local s=math.max(0,l-rem)
if math.abs(re-e)>1000 then e,u=re,s
else
if r==1 then e=math.min(e,re) else e=re end
u=math.max(u,s)
end
r=1
end
local w=n(ARGV[8],0,D)
if w then e,u,r=now+w,l,1 end
${SAVE}
return 0`;
