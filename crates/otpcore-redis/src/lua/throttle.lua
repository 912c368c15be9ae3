-- ThrottlePolicy::check, prepended to begin.lua and attempt.lua (one copy).
-- n failures counted, at the previous attempt (a string, or false/nil when no
-- failure is counted), now and the policy as numbers (< 2^53).
-- Returns nil if an attempt at now may proceed, else the seconds to wait
-- (-1 = locked out until reset).
local function refusal(now, n, at, lockout, free, base, max)
  if n >= lockout then
    return -1
  end
  if at then
    -- ThrottlePolicy::delay_after: 0 below free_failures, then base * 2^k capped at max.
    -- Doubles are exact here: every operand and result stays below 2^53.
    local delay = 0
    if n >= free then
      delay = math.min(base * 2 ^ (n - free), max)
    end
    local ready = tonumber(at) + delay
    if now < ready then
      return ready - now
    end
  end
  return nil
end

