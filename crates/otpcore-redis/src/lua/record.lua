-- Recording an accepted step, prepended to advance.lua and attempt.lua (one copy).
-- Redis before 7 replicates scripts verbatim and then refuses a write after
-- TIME; effects replication lifts that (a no-op on Redis 7).
if redis.replicate_commands then
  redis.replicate_commands()
end

-- Sets the last step and the drift (canonical decimal strings) and forgets the
-- failures. The step is kept for ttl seconds (0 = no expiry) or until the
-- server's own clock reaches `keep_until` (unix seconds, <= 2^40), whichever is
-- later, so a caller whose clock runs ahead cannot shorten its life.
-- `had_drift` / `had_failures`: false only when the caller read that the drift /
-- failure key is absent; deleting it is then skipped (a script's `DEL` costs
-- about 0.8 us even of a missing key: README.md, "Distributed stores").
local function record(last_key, drift_key, fail_key, step, drift, ttl, keep_until, had_drift,
    had_failures)
  if ttl > 0 then
    local by_server = keep_until - tonumber(redis.call('TIME')[1])
    if by_server > ttl then
      ttl = by_server
    end
    redis.call('SET', last_key, step, 'EX', ttl)
  else
    redis.call('SET', last_key, step)
  end
  if drift ~= '0' then
    redis.call('SET', drift_key, drift)
  elseif had_drift then
    redis.call('DEL', drift_key)
  end
  if had_failures then
    redis.call('DEL', fail_key)
  end
end

