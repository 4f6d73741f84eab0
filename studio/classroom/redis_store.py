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
- Presence (who asked for the class state lately) is a hash of browser -> [time, following]; entries
  older than a minute are dropped as they are read.
"""

from __future__ import annotations

import json
import time

from studio.classroom.store import StoreBusy

PREFIX = "studio:class:"
_ADD = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[1])
  return 1
end
return 0
"""
STALE_S = 60.0  # a page not seen for this long is gone: its presence entry is removed
TIMEOUT_S = 2.0  # a page waits this long at most for Redis before hearing "send it again"


class RedisStore:
    """``ClassStore`` on a Redis server at ``url`` (``redis://host:port/db``)."""

    def __init__(self, url: str, prefix: str = PREFIX) -> None:
        import redis  # lazy: optional, only for a class kept in Redis (several studios)

        self._errors = (redis.RedisError, OSError)
        self.redis = redis.Redis.from_url(url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S,
                                          health_check_interval=10)
        self.prefix = prefix
        self._add = self.redis.register_script(_ADD)

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except self._errors as exc:
            raise StoreBusy(f"Redis: {exc}") from exc

    def add_answer(self, poll: str, answer_id: str, browser: str, payload: dict) -> bool:
        record = json.dumps({"browser": browser, "at": time.time(), "payload": payload})
        keys = [f"{self.prefix}answers:{poll}", f"{self.prefix}order:{poll}"]
        return self._call(lambda: self._add(keys=keys, args=[answer_id, record])) == 1

    def answers(self, poll: str) -> list[dict]:
        def read():
            ids = self.redis.lrange(f"{self.prefix}order:{poll}", 0, -1)
            return ids, (self.redis.hmget(f"{self.prefix}answers:{poll}", ids) if ids else [])

        ids, records = self._call(read)
        kept = []
        for id_, record in zip(ids, records):
            if record is None:  # cleared between the two reads
                continue
            row = json.loads(record)
            kept.append({**row["payload"], "id": id_.decode(), "browser": row["browser"], "at": row["at"]})
        return kept

    def clear(self, poll: str) -> None:
        self._call(self.redis.delete, f"{self.prefix}answers:{poll}", f"{self.prefix}order:{poll}")

    def get(self, key: str, default=None):
        value = self._call(self.redis.get, f"{self.prefix}state:{key}")
        return default if value is None else json.loads(value)

    def put(self, key: str, value) -> None:
        self._call(self.redis.set, f"{self.prefix}state:{key}", json.dumps(value))

    def put_if_absent(self, key: str, value):
        self._call(lambda: self.redis.set(f"{self.prefix}state:{key}", json.dumps(value), nx=True))
        return self.get(key)

    def seen(self, browser: str, following: bool, lecturer: bool) -> None:
        if lecturer:
            self._call(self.redis.set, f"{self.prefix}lecturer_seen", time.time())
        else:
            self._call(self.redis.hset, f"{self.prefix}pages", browser, json.dumps([time.time(), following]))

    def present(self) -> tuple[dict[str, tuple[float, bool]], float | None]:
        def read():
            return self.redis.hgetall(f"{self.prefix}pages"), self.redis.get(f"{self.prefix}lecturer_seen")

        pages, lecturer = self._call(read)
        now, live, stale = time.time(), {}, []
        for browser, value in pages.items():
            seen, following = json.loads(value)
            if now - seen > STALE_S:
                stale.append(browser)
            else:
                live[browser.decode()] = (seen, following)
        if stale:
            self._call(self.redis.hdel, f"{self.prefix}pages", *stale)
        return live, None if lecturer is None else float(lecturer)

    def close(self) -> None:
        """Close the connections."""
        self.redis.close()
