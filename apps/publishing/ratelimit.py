"""Per-channel (and per-account) token buckets and a circuit breaker, both in Redis so every worker
process shares them. The bucket is one Lua script: read, refill, take, write happen atomically."""

from __future__ import annotations

import time
from functools import lru_cache

import redis
from django.conf import settings

TOKEN_BUCKET_LUA = """
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local data = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(data[1])
local ts = tonumber(data[2])
if tokens == nil then tokens = burst; ts = now end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local granted = 0
if want < 0 then
  tokens = math.min(burst, tokens - want)
else
  granted = math.min(want, math.floor(tokens))
  tokens = tokens - granted
end
local wait = 0
if granted < want then wait = (1 - tokens) / rate end
redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', key, math.ceil((burst / rate) * 1000) + 60000)
return {granted, tostring(wait)}
"""

BREAKER_THRESHOLD = 10
BREAKER_COOLDOWN = 30


@lru_cache(maxsize=2)
def _client(url: str) -> redis.Redis | None:
    return redis.Redis.from_url(url) if url else None


def client() -> redis.Redis | None:
    return _client(settings.REDIS_URL or "")


def key_prefix() -> str:
    """The start of every bucket and breaker key (PUBLISHING_REDIS_PREFIX): installations or test
    runs that share one Redis database keep their channels' keys apart with their own."""
    return settings.PUBLISHING_REDIS_PREFIX


class _LocalBuckets:
    """Process-local fallback when no Redis is configured (single-process `make run`)."""

    def __init__(self) -> None:
        self.state: dict[str, tuple[float, float]] = {}

    def take(self, key: str, rate: float, burst: float, count: int) -> tuple[int, float]:
        now = time.monotonic()
        tokens, ts = self.state.get(key, (burst, now))
        tokens = min(burst, tokens + (now - ts) * rate)
        if count < 0:
            self.state[key] = (min(burst, tokens - count), now)
            return 0, 0.0
        granted = min(count, int(tokens))
        tokens -= granted
        self.state[key] = (tokens, now)
        return granted, ((1 - tokens) / rate if granted < count else 0.0)


_local = _LocalBuckets()
_script = None


def bucket_take(*, key: str, per_second: float, burst: int, count: int = 1) -> tuple[int, float]:
    """Take up to `count` tokens at once (a negative count gives tokens back). Returns (tokens
    granted, seconds until the next token when fewer than asked were granted)."""
    global _script
    r = client()
    if r is None:
        return _local.take(key, per_second, burst, count)
    if _script is None:
        _script = r.register_script(TOKEN_BUCKET_LUA)
    granted, wait = _script(keys=[f"{key_prefix()}bucket:{key}"], args=[per_second, max(1, burst), count], client=r)
    return int(granted), float(wait)


def bucket_reset(*, key: str) -> None:
    r = client()
    if r is not None:
        r.delete(f"{key_prefix()}bucket:{key}")
    _local.state.pop(key, None)


# --- circuit breaker: after BREAKER_THRESHOLD consecutive failures the channel is "open" for
# BREAKER_COOLDOWN seconds; afterwards one probe send is let through (half-open).


def breaker_allows(*, channel_id: int) -> tuple[bool, float]:
    r = client()
    if r is None:
        return True, 0.0
    ttl = r.pttl(f"{key_prefix()}breaker:open:{channel_id}")
    if ttl and ttl > 0:
        return False, ttl / 1000
    if int(r.get(f"{key_prefix()}breaker:fails:{channel_id}") or 0) >= BREAKER_THRESHOLD:
        # Half-open: exactly one worker gets to probe.
        if r.set(f"{key_prefix()}breaker:probe:{channel_id}", "1", nx=True, ex=BREAKER_COOLDOWN):
            return True, 0.0
        return False, 5.0
    return True, 0.0


def breaker_success(*, channel_id: int) -> None:
    r = client()
    if r is not None:
        r.delete(f"{key_prefix()}breaker:fails:{channel_id}", f"{key_prefix()}breaker:probe:{channel_id}")


def breaker_failure(*, channel_id: int) -> bool:
    """Count one failure; returns True when the breaker (re)opens."""
    r = client()
    if r is None:
        return False
    fails = r.incr(f"{key_prefix()}breaker:fails:{channel_id}")
    r.expire(f"{key_prefix()}breaker:fails:{channel_id}", 600)
    if fails >= BREAKER_THRESHOLD:
        r.set(f"{key_prefix()}breaker:open:{channel_id}", "1", ex=BREAKER_COOLDOWN)
        r.delete(f"{key_prefix()}breaker:probe:{channel_id}")
        return True
    return False


def breaker_state(*, channel_id: int) -> str:
    r = client()
    if r is None:
        return "closed"
    if r.exists(f"{key_prefix()}breaker:open:{channel_id}"):
        return "open"
    if int(r.get(f"{key_prefix()}breaker:fails:{channel_id}") or 0) >= BREAKER_THRESHOLD:
        return "half-open"
    return "closed"
