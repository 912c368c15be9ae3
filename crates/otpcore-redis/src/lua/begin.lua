-- Store::begin: throttle check and pessimistic failure count, atomically.
-- KEYS[1] last step, KEYS[2] drift, KEYS[3] failures hash {n, at}
-- ARGV: now, lockout, free_failures, base_delay, max_delay (integers < 2^53)
-- Returns {1, failures, last_step or '', drift} or {0, retry_after (-1 = locked out)}.
local now = tonumber(ARGV[1])
local n = tonumber(redis.call('HGET', KEYS[3], 'n') or '0')
if n >= tonumber(ARGV[2]) then
  return {0, -1}
end
local at = redis.call('HGET', KEYS[3], 'at')
if at then
  -- ThrottlePolicy::delay_after: 0 below free_failures, then base * 2^k capped at max.
  -- Doubles are exact here: every operand and result stays below 2^53.
  local free = tonumber(ARGV[3])
  local delay = 0
  if n >= free then
    delay = math.min(tonumber(ARGV[4]) * 2 ^ (n - free), tonumber(ARGV[5]))
  end
  local ready = tonumber(at) + delay
  if now < ready then
    return {0, ready - now}
  end
end
redis.call('HSET', KEYS[3], 'n', n + 1, 'at', ARGV[1])
return {1, n + 1, redis.call('GET', KEYS[1]) or '', redis.call('GET', KEYS[2]) or '0'}
