"""The two Pool twins (Python reference, Cython build) agree on every sequence of operations,
and the bookkeeping invariants hold after each step."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiohttp_fast import _pool

KEYS = ("a", "b", "c")

ops = st.lists(
    st.tuples(
        st.sampled_from(["acquire", "release", "abandon", "put", "pop", "expire"]),
        st.sampled_from(KEYS),
        st.integers(0, 50),
    ),
    max_size=80,
)


class Driver:
    """Drives one pool like a connector would and records what it observes."""

    def __init__(self, cls: type, limit: int, per_host: int) -> None:
        self.loop = asyncio.new_event_loop()
        self.pool = cls(limit, per_host)
        self.limit, self.per_host = limit, per_host
        self.held: dict[str, int] = {k: 0 for k in KEYS}
        self.waiters: list[tuple[str, asyncio.Future[None], bool]] = []  # (key, fut, counted)
        self.clock = 0.0
        self.log: list[object] = []

    def close(self) -> None:
        self.loop.close()

    def _collect_grants(self) -> None:
        # A waiter whose future got a result now holds a slot.
        for i, (key, fut, counted) in enumerate(self.waiters):
            if not counted and fut.done() and not fut.cancelled():
                self.held[key] += 1
                self.waiters[i] = (key, fut, True)

    def step(self, op: str, key: str, n: int) -> None:
        pool = self.pool
        if op == "acquire":
            if pool.try_acquire(key):
                self.held[key] += 1
                self.log.append(("got", key))
            else:
                fut = self.loop.create_future()
                pool.enqueue(key, fut)
                self.waiters.append((key, fut, False))
                self.log.append(("queued", key))
        elif op == "release":
            if self.held[key]:
                # Give back a slot held directly or by a granted waiter.
                for i, (k, _fut, counted) in enumerate(self.waiters):
                    if k == key and counted:
                        del self.waiters[i]
                        break
                self.held[key] -= 1
                pool.release_slot(key)
        elif op == "abandon":
            if self.waiters:
                k, fut, counted = self.waiters.pop(n % len(self.waiters))
                pool.abandon(k, fut)
                if counted:
                    self.held[k] -= 1
        elif op == "put":
            self.clock += 1
            pool.put_idle(key, f"{key}{n}", self.clock)
        elif op == "pop":
            self.log.append(("pop", key, pool.pop_idle(key)))
        elif op == "expire":
            expired, oldest = pool.expire(self.clock - n % 5)
            self.log.append(("expire", sorted(expired), oldest))
        self._collect_grants()
        self.log.append((pool.acquired, pool.waiting(), pool.idle_count()))
        # Invariants: the books match what holders think, and no limit is exceeded.
        assert pool.acquired == sum(self.held.values())
        if self.limit:
            assert pool.acquired <= self.limit
        if self.per_host:
            assert all(pool.acquired_for(k) == self.held[k] <= self.per_host for k in KEYS)
        # No waiter is left waiting while it could be served (fair and deadlock-free).
        for k, fut, _ in self.waiters:
            if not fut.done():
                blocked = (self.limit and pool.acquired >= self.limit) or (
                    self.per_host and self.held[k] >= self.per_host
                )
                assert blocked


def _twins() -> list[type]:
    classes = [_pool.PoolPy]
    if _pool.IMPL == "c":
        classes.append(_pool.Pool)
    return classes


@settings(max_examples=150, deadline=None)
@given(ops, st.integers(0, 3), st.integers(0, 2))
def test_twins_agree_and_invariants_hold(sequence: list, limit: int, per_host: int) -> None:
    logs = []
    for cls in _twins():
        driver = Driver(cls, limit, per_host)
        try:
            for op in sequence:
                driver.step(*op)
        finally:
            driver.close()
        logs.append(driver.log)
    assert all(log == logs[0] for log in logs)


def test_twins_both_present_when_built() -> None:
    if _pool.IMPL != "c":
        pytest.skip("_pool_c not built: only the reference runs")
    assert len(_twins()) == 2
