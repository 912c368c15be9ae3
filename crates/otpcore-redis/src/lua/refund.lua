-- Store::refund: give back one failure counted by begin, never below 0.
-- KEYS[1] failures hash {n, at}. At 0 the hash (and its attempt time) goes.
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if n <= 1 then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'n', n - 1)
end
return 1
