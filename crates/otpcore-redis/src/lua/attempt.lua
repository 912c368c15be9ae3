-- Store::attempt: a whole TOTP verification in one script, atomically:
-- throttling (refusal() of throttle.lua), the drift-centred window over the
-- guard's match bits, the compare-and-set and the drift update (record() of
-- record.lua). Decides exactly like Candidates::decide on begin's state.
-- KEYS[1] last step, KEYS[2] drift, KEYS[3] failures hash {n, at}
-- ARGV[1..5]: now, lockout, free_failures, base_delay, max_delay (as begin.lua)
-- ARGV[6] first candidate step, ARGV[7] expected step - first, ARGV[8] max_drift,
-- ARGV[9] behind, ARGV[10] ahead (integers; every candidate step < 2^53),
-- ARGV[11] match bits: one '0'/'1' per candidate step, from first on,
-- ARGV[12] keep_until for the first step (expiry + grace, unix seconds, <= 2^40;
-- 0 = keep for ever), ARGV[13] period: a step k after the first lasts k periods longer.
-- Returns {0, retry_after (-1 = locked out)}, {1, step} accepted,
-- {2} replayed (nothing counted), {3} mismatch (one failure counted).
--
-- The bits were computed in constant time by the guard; no secret is compared
-- here. The window's slice of them is chosen by public state (the recorded
-- drift) and each of its bits is read once and folded in arithmetically,
-- without an early exit; a throttled attempt reads none.
-- No failure counted (no hash): refusal() cannot refuse (lockout >= 1 and no
-- previous attempt), so the policy is read only when a failure is counted.
local failures = redis.call('HMGET', KEYS[3], 'n', 'at')
local counted = failures[1] or failures[2]
local n = tonumber(failures[1] or '0')
if counted then
  local wait = refusal(tonumber(ARGV[1]), n, failures[2], tonumber(ARGV[2]), tonumber(ARGV[3]),
    tonumber(ARGV[4]), tonumber(ARGV[5]))
  if wait then
    return {0, wait}
  end
end

local first, e, max_drift = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local bits = ARGV[11]
-- The recorded drift (absent when 0) and last step, in one read.
local recorded = redis.call('MGET', KEYS[2], KEYS[1])
-- The drift, clamped to the guard's bound (public state).
local drift = tonumber(recorded[1] or '0')
drift = math.max(-max_drift, math.min(max_drift, drift))
local centre = math.max(e + drift, 0)
local lo = math.max(centre - tonumber(ARGV[9]), 0)
local hi = math.min(centre + tonumber(ARGV[10]), #bits - 1)
-- A stored step of any length: as a double it is exact below 2^53, where every
-- candidate lies, and rounds to >= 2^53 above, still after every candidate.
local last = tonumber(recorded[2] or '-1')

local best, found, replayed = 0, 0, 0
for i = lo, hi do
  local hit = string.byte(bits, i + 1) - 48
  local fresh = 0
  if first + i > last then
    fresh = 1
  end
  local take = hit * fresh
  best = best + take * (i - best)
  found = found + take
  replayed = replayed + hit * (1 - fresh)
end

if found > 0 then
  local step = string.format('%d', first + best)
  local offset = math.max(-max_drift, math.min(max_drift, best - e))
  local ttl, keep_until = 0, 0
  if ARGV[12] ~= '0' then
    keep_until = math.min(tonumber(ARGV[12]) + best * tonumber(ARGV[13]), 2 ^ 40)
    ttl = math.max(keep_until - tonumber(ARGV[1]), 1)
  end
  record(KEYS[1], KEYS[2], KEYS[3], step, string.format('%d', offset), ttl, keep_until,
    recorded[1], counted)
  return {1, step}
end
if replayed > 0 then
  -- begin then refund: the count is unchanged; a pending streak keeps now as
  -- its previous attempt.
  if n > 0 then
    redis.call('HSET', KEYS[3], 'at', ARGV[1])
  end
  return {2}
end
redis.call('HSET', KEYS[3], 'n', n + 1, 'at', ARGV[1])
return {3}
