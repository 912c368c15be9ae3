-- Store::load: a consistent snapshot of one credential.
-- KEYS[1] last step, KEYS[2] drift, KEYS[3] failures hash
-- Returns {last_step or '', drift, failures}.
return {
  redis.call('GET', KEYS[1]) or '',
  redis.call('GET', KEYS[2]) or '0',
  redis.call('HGET', KEYS[3], 'n') or '0',
}
