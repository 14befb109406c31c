"""Connection-pool bookkeeping: slots, idle connections and queued waiters, with no I/O.

Every method here is synchronous and completes its state change before returning, so a
cancellation (which can only land at an ``await``) can never leave the books half-updated. The
connector does the awaiting and the closing; this module only tells it what to do.

The rules:

- A *slot* is held by every connection that is in use or being established. ``limit`` bounds all
  slots (0: unbounded), ``limit_per_host`` bounds the slots of one ``ConnectionKey`` (0: unbounded).
  Idle connections hold no slot (aiohttp's meaning of ``limit``).
- A freed slot is handed straight to the oldest waiter that may take it (FIFO), inside the same
  synchronous call. So a newcomer can never overtake a waiter, and two acquirers can never both
  see "one slot left" (the race behind aiohttp #4936).
- A waiter whose future is already done (cancelled, timed out) is skipped lazily when met, which
  makes abandoning a queued acquisition O(1). A waiter granted a slot it can no longer use gives
  it back with :meth:`Pool.abandon`.
- Idle connections are kept per key in release order and reused oldest first (FIFO); release
  times therefore increase from left to right, which makes expiry a scan from the left. Expiry
  is the connector's one sweep timer, so taking an idle connection needs no clock read.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

__all__ = ("Pool",)


class Pool:
    """Slots, idle connections (any object) and FIFO waiters for one connector.

    Not generic on purpose: it is meant to compile as a Cython ``cdef class``.
    """

    __slots__ = ("limit", "limit_per_host", "_acquired", "_per_key", "_idle", "_waiters")

    def __init__(self, limit: int = 100, limit_per_host: int = 0) -> None:
        if limit < 0 or limit_per_host < 0:
            raise ValueError("limit and limit_per_host must be >= 0")
        self.limit: int = limit
        self.limit_per_host: int = limit_per_host
        self._acquired: int = 0
        self._per_key: dict[Any, int] = {}
        self._idle: dict[Any, deque[tuple[Any, float]]] = {}
        self._waiters: deque[tuple[Any, asyncio.Future[None]]] = deque()

    # -- slots ---------------------------------------------------------------------------------

    @property
    def acquired(self) -> int:
        """Slots held right now (connections in use or being established)."""
        return self._acquired

    def acquired_for(self, key: Any) -> int:
        """Slots held by ``key`` (only counted when ``limit_per_host`` is set)."""
        return self._per_key.get(key, 0)

    def _take(self, key: Any) -> None:
        self._acquired += 1
        if self.limit_per_host:
            self._per_key[key] = self._per_key.get(key, 0) + 1

    def try_acquire(self, key: Any) -> bool:
        """Take a slot for ``key`` if one is free now; False means: queue with :meth:`enqueue`.

        Because freed slots are always handed to eligible waiters at once, a free slot here
        never belongs to someone who queued earlier.
        """
        if self.limit and self._acquired >= self.limit:
            return False
        if self.limit_per_host:
            count = self._per_key.get(key, 0)
            if count >= self.limit_per_host:
                return False
            self._per_key[key] = count + 1
        self._acquired += 1
        return True

    def enqueue(self, key: Any, waiter: asyncio.Future[None]) -> None:
        """Queue ``waiter``; its result is set (slot taken on its behalf) when a slot frees."""
        self._waiters.append((key, waiter))

    def abandon(self, key: Any, waiter: asyncio.Future[None]) -> None:
        """The owner of ``waiter`` stops waiting (cancelled, timed out, failed).

        If the slot was already granted, it is given back (and passed on); otherwise the
        waiter is marked done so that it is skipped.
        """
        if not waiter.done():
            waiter.cancel()
        elif not waiter.cancelled() and waiter.exception() is None:
            self.release_slot(key)

    def release_slot(self, key: Any) -> None:
        """Free one slot of ``key`` and hand freed capacity to the waiters in FIFO order."""
        self._acquired -= 1
        if self.limit_per_host:
            count = self._per_key[key] - 1
            if count:
                self._per_key[key] = count
            else:
                del self._per_key[key]
        if self._waiters:
            self._wake()

    def _wake(self) -> None:
        waiters = self._waiters
        limit = self.limit
        if not self.limit_per_host:
            # Only the global limit: serve from the front until it is reached.
            while waiters and not (limit and self._acquired >= limit):
                key, fut = waiters.popleft()
                if not fut.done():
                    self._take(key)
                    fut.set_result(None)
            return
        # Per-host limits: a waiter blocked on its own host must not hold back the waiters of
        # other hosts behind it, so scan in order and keep the ones still blocked.
        kept: deque[tuple[Any, asyncio.Future[None]]] = deque()
        while waiters:
            if limit and self._acquired >= limit:
                kept.extend(waiters)
                waiters.clear()
                break
            entry = waiters.popleft()
            key, fut = entry
            if fut.done():
                continue
            if self._per_key.get(key, 0) >= self.limit_per_host:
                kept.append(entry)
                continue
            self._take(key)
            fut.set_result(None)
        # Drop abandoned waiters while keeping order.
        self._waiters = deque(e for e in kept if not e[1].done())

    def waiting(self) -> int:
        """Queued acquisitions still waiting (abandoned ones not counted)."""
        return sum(1 for _, fut in self._waiters if not fut.done())

    def fail_waiters(self, exc: BaseException) -> None:
        """Fail every queued acquisition with ``exc`` (the connector is closing)."""
        waiters = self._waiters
        self._waiters = deque()
        for _, fut in waiters:
            if not fut.done():
                fut.set_exception(exc)

    # -- idle connections ------------------------------------------------------------------------

    def put_idle(self, key: Any, conn: Any, now: float) -> None:
        """Keep ``conn`` (released at ``now``) for reuse by ``key``. Call before release_slot."""
        idle = self._idle.get(key)
        if idle is None:
            self._idle[key] = idle = deque()
        idle.append((conn, now))

    def pop_idle(self, key: Any) -> Any:
        """The oldest idle connection of ``key``, or None.

        An emptied deque stays in place so that the next release does not allocate one; the
        sweep in :meth:`expire` drops the empty ones.
        """
        idle = self._idle.get(key)
        if idle:
            return idle.popleft()[0]
        return None

    def has_idle(self, key: Any) -> bool:
        """True when ``key`` has an idle connection (perhaps a stale one) to pop."""
        idle = self._idle.get(key)
        return bool(idle)

    def idle_count(self, key: Any = None) -> int:
        """Idle connections of ``key`` (of every key when None)."""
        if key is not None:
            idle = self._idle.get(key)
            return len(idle) if idle is not None else 0
        return sum(len(d) for d in self._idle.values())

    def expire(self, cutoff: float) -> tuple[list[Any], float | None]:
        """Remove the idle connections released at or before ``cutoff``.

        Returns them (to be closed) and the oldest release time still idle (None if none), from
        which the caller schedules the next sweep.
        """
        expired: list[Any] = []
        oldest: float | None = None
        for key in list(self._idle):
            idle = self._idle[key]
            while idle and idle[0][1] <= cutoff:
                expired.append(idle.popleft()[0])
            if not idle:
                del self._idle[key]
            elif oldest is None or idle[0][1] < oldest:
                oldest = idle[0][1]
        return expired, oldest

    def drain_idle(self) -> list[Any]:
        """Remove and return every idle connection."""
        conns = [conn for idle in self._idle.values() for conn, _ in idle]
        self._idle.clear()
        return conns
