-- Store::advance: compare-and-set of the last accepted step, atomically.
-- KEYS[1] last step, KEYS[2] drift, KEYS[3] failures hash
-- ARGV: step (decimal u64, no leading zeros), drift, ttl seconds (0 = no expiry),
-- until (unix seconds, <= 2^40): see record() in record.lua, prepended.
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

local step = ARGV[1]
if not string.match(step, '^[1-9]%d*$') and step ~= '0' then
  return redis.error_reply('advance: step is not a canonical decimal')
end
local last = redis.call('GET', KEYS[1])
if last and not less(last, step) then
  return 0
end
record(KEYS[1], KEYS[2], KEYS[3], step, ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), true, true)
return 1
