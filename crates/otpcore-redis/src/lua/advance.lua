-- Store::advance: compare-and-set of the last accepted step, atomically.
-- KEYS[1] last step, KEYS[2] drift, KEYS[3] failures hash
-- ARGV: step (decimal u64, no leading zeros), drift, ttl seconds (0 = no expiry),
-- until (unix seconds, <= 2^40): the step is kept for ttl seconds or until the
-- server's own clock reaches `until`, whichever is later, so a caller whose
-- clock runs ahead cannot shorten its life.
-- Returns 1 (won) or 0 (lost).
--
-- Steps are u64 but Lua numbers are doubles, exact only below 2^53, so steps
-- are compared as decimal strings: by length, then in two halves of at most
-- ten digits each (both exact as doubles). No locale-dependent string order.
local function less(a, b)
  if #a ~= #b then
    return #a < #b
  end
  local ha = tonumber(string.sub(a, 1, -11)) or 0
  local hb = tonumber(string.sub(b, 1, -11)) or 0
  if ha ~= hb then
    return ha < hb
  end
  return tonumber(string.sub(a, -10)) < tonumber(string.sub(b, -10))
end

-- Redis before 7 replicates scripts verbatim and then refuses a write after
-- TIME; effects replication lifts that (a no-op on Redis 7).
if redis.replicate_commands then
  redis.replicate_commands()
end

local step = ARGV[1]
if not string.match(step, '^[1-9]%d*$') and step ~= '0' then
  return redis.error_reply('advance: step is not a canonical decimal')
end
local last = redis.call('GET', KEYS[1])
if last and not less(last, step) then
  return 0
end
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  local by_server = tonumber(ARGV[4]) - tonumber(redis.call('TIME')[1])
  if by_server > ttl then
    ttl = by_server
  end
  redis.call('SET', KEYS[1], step, 'EX', ttl)
else
  redis.call('SET', KEYS[1], step)
end
if ARGV[2] == '0' then
  redis.call('DEL', KEYS[2])
else
  redis.call('SET', KEYS[2], ARGV[2])
end
redis.call('DEL', KEYS[3])
return 1
