-- Store::begin: throttle check and pessimistic failure count, atomically.
-- KEYS[1] last step, KEYS[2] drift, KEYS[3] failures hash {n, at}
-- ARGV: now, lockout, free_failures, base_delay, max_delay (integers < 2^53)
-- Returns {1, failures, last_step or '', drift} or {0, retry_after (-1 = locked out)}.
local now = tonumber(ARGV[1])
local n = tonumber(redis.call('HGET', KEYS[3], 'n') or '0')
local at = redis.call('HGET', KEYS[3], 'at')
local wait = refusal(now, n, at, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]),
  tonumber(ARGV[5]))
if wait then
  return {0, wait}
end
redis.call('HSET', KEYS[3], 'n', n + 1, 'at', ARGV[1])
return {1, n + 1, redis.call('GET', KEYS[1]) or '', redis.call('GET', KEYS[2]) or '0'}
