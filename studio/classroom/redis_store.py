"""``ClassStore`` in Redis: one class shared by several studios behind one address (``deploy/``).

Every studio of the class (``python studio.py --class --class-store redis://HOST:6379/0``) reads and
writes the same keys, so the lecturer's page may be on one studio and a student's on another: the
student still follows, and the answer still reaches the projector.

- An answer is kept by one Lua script, atomically: ``HSETNX`` of its id, and only when that was new,
  ``RPUSH`` of the id to the poll's order. A retry, a double click or a reload sent to any studio
  writes nothing; a studio killed mid-answer leaves the answer kept whole or not at all.
- When Redis cannot be reached, a write raises ``StoreBusy``: the student is told in one sentence that
  the answer was not counted and to send it again. Nothing is queued in a studio's memory, where a
  kill would lose it silently.
- A Redis that accepts connections but does not answer (a stall) costs one call ``TIMEOUT_S``; then a
  circuit breaker answers ``StoreBusy`` at once for ``BREAK_S`` before one call tries Redis again, so a
  stall never ties up the server's threads. (A refused connection fails at once by itself.)
- A page's ask for the class state is one round trip (a pipeline): its presence goes into two sorted
  sets (``seen`` and ``following``: browser -> last seen), pruned as they are written; the lecturer's
  last-seen time is its own key; counting the room is ``ZCOUNT``, never a read of every page.
"""

from __future__ import annotations

import json
import threading
import time

from studio.classroom.store import MAX_PAGES, STALE_S, StoreBusy

PREFIX = "studio:class:"
_ADD = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[1])
  return 1
end
return 0
"""
TIMEOUT_S = 1.0  # a call waits this long at most for Redis before hearing "send it again"
BREAK_S = 3.0  # after a failed call, calls fail at once for this long (a stalled Redis blocks nothing)


class CircuitBreaker:
    """Open for ``BREAK_S`` after a failure: calls fail at once instead of each waiting for a timeout."""

    def __init__(self, break_s: float = BREAK_S) -> None:
        self.break_s = break_s
        self._open_until = 0.0
        self._lock = threading.Lock()

    def check(self) -> None:
        """Raise ``StoreBusy`` while open; let one caller through each ``break_s`` to try again."""
        with self._lock:
            now = time.monotonic()
            if now < self._open_until:
                raise StoreBusy("Redis did not answer a moment ago; not asked again yet")
            if self._open_until:  # half-open: this caller tries; the others wait for its outcome
                self._open_until = now + self.break_s

    def failed(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self.break_s

    def succeeded(self) -> None:
        with self._lock:
            self._open_until = 0.0


class RedisStore:
    """``ClassStore`` on a Redis server at ``url`` (``redis://host:port/db``)."""

    def __init__(self, url: str, prefix: str = PREFIX, timeout_s: float = TIMEOUT_S) -> None:
        import redis  # lazy: optional, only for a class kept in Redis (several studios)

        self._errors = (redis.RedisError, OSError)
        self._stalls = (redis.TimeoutError, TimeoutError)  # a refused connection fails fast by itself
        self.redis = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s,
                                          health_check_interval=10)
        self.prefix = prefix
        self.breaker = CircuitBreaker()
        self._add = self.redis.register_script(_ADD)

    def _call(self, fn, *args):
        self.breaker.check()
        try:
            result = fn(*args)
        except self._errors as exc:
            if isinstance(exc, self._stalls):
                self.breaker.failed()
            raise StoreBusy(f"Redis: {exc}") from exc
        self.breaker.succeeded()
        return result

    def _key(self, name: str) -> str:
        return self.prefix + name

    def add_answer(self, poll: str, answer_id: str, browser: str, payload: dict) -> bool:
        record = json.dumps({"browser": browser, "at": time.time(), "payload": payload})
        keys = [self._key(f"answers:{poll}"), self._key(f"order:{poll}")]
        return self._call(lambda: self._add(keys=keys, args=[answer_id, record])) == 1

    def answers_since(self, poll: str, generation: int, cursor: int) -> tuple[int, list[dict], int]:
        def read(start: int):
            pipe = self.redis.pipeline(transaction=False)
            pipe.get(self._key(f"generation:{poll}"))
            pipe.lrange(self._key(f"order:{poll}"), start, -1)
            found, ids = pipe.execute()
            return int(found or 0), ids

        now, ids = self._call(read, cursor)
        start = cursor
        if now != generation:  # reset since: read from the start
            now, ids = self._call(read, 0)
            start = 0
        records = self._call(self.redis.hmget, self._key(f"answers:{poll}"), ids) if ids else []
        kept = []
        for id_, record in zip(ids, records):
            if record is None:  # cleared between the two reads
                continue
            row = json.loads(record)
            kept.append({**row["payload"], "id": id_.decode(), "browser": row["browser"], "at": row["at"]})
        return now, kept, start + len(ids)

    def clear(self, poll: str) -> None:
        def reset():
            pipe = self.redis.pipeline(transaction=True)
            pipe.delete(self._key(f"answers:{poll}"), self._key(f"order:{poll}"))
            pipe.incr(self._key(f"generation:{poll}"))
            pipe.execute()

        self._call(reset)

    def get(self, key: str, default=None):
        value = self._call(self.redis.get, self._key(f"state:{key}"))
        return default if value is None else json.loads(value)

    def put(self, key: str, value) -> None:
        self._call(self.redis.set, self._key(f"state:{key}"), json.dumps(value))

    def put_if_absent(self, key: str, value):
        self._call(lambda: self.redis.set(self._key(f"state:{key}"), json.dumps(value), nx=True))
        return self.get(key)

    def poll(self, pages: dict[str, bool], lecturer: bool, online_s: float) -> dict:
        now = time.time()
        seen, follows = self._key("seen"), self._key("following")
        followers = {browser: now for browser, following in pages.items() if following}
        alone = [browser for browser, following in pages.items() if not following]

        def ask():
            pipe = self.redis.pipeline(transaction=False)
            if lecturer:
                pipe.set(self._key("lecturer_seen"), now)
            if pages:
                pipe.zadd(seen, dict.fromkeys(pages, now))
                if followers:
                    pipe.zadd(follows, followers)
                if alone:
                    pipe.zrem(follows, *alone)
                for name in (seen, follows):  # a minute unseen, or past the cap: gone
                    pipe.zremrangebyscore(name, "-inf", now - STALE_S)
                    pipe.zremrangebyrank(name, 0, -MAX_PAGES - 1)
            pipe.mget(self._key("state:class"), self._key("state:shown"), self._key("lecturer_seen"))
            if lecturer:
                pipe.zcount(seen, now - online_s, "+inf")
                pipe.zcount(follows, now - online_s, "+inf")
            return pipe.execute()

        answers = self._call(ask)
        if lecturer:
            (record, shown, lecturer_seen), connected, following_n = answers[-3:]
            counts = (int(connected), int(following_n))
        else:
            record, shown, lecturer_seen = answers[-1]
            counts = None
        return {"class": None if record is None else json.loads(record),
                "shown": None if shown is None else json.loads(shown),
                "lecturer_seen": None if lecturer_seen is None else float(lecturer_seen), "counts": counts}

    def beat(self, studio: str) -> None:
        name = self._key("studios")

        def beat():
            pipe = self.redis.pipeline(transaction=False)
            pipe.zadd(name, {studio: time.time()})
            pipe.zremrangebyscore(name, "-inf", time.time() - STALE_S)
            pipe.execute()

        self._call(beat)

    def live_studios(self, within_s: float) -> list[str]:
        found = self._call(self.redis.zrangebyscore, self._key("studios"), time.time() - within_s, "+inf")
        return [studio.decode() for studio in found]

    def close(self) -> None:
        """Close the connections."""
        self.redis.close()
