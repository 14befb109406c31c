"""The benchmark scenarios, as data, plus the driver that times one of them.

Shared by the parent (``run.py``, which only needs the table) and the child (``worker.py``, which
drives an adapter). Nothing here imports a client library: the child imports its adapter lazily so
a broken client can't take the harness down.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Protocol

# The JSON document every POST sends: about 1 KiB once serialised (checked in ``post_payload``).
POST_PAYLOAD: dict[str, Any] = {
    "id": 12345,
    "name": "benchmark",
    "tags": [f"tag-{i:03d}" for i in range(40)],
    "items": [{"k": f"key{i:02d}", "v": i * 7} for i in range(20)],
    "note": "x" * 150,
}

SMALL_BODY = b"hello world"
BIG_SIZE = 64 * 1024 * 1024
MANY_HOSTS = 50


@dataclass(frozen=True)
class Scenario:
    """One workload: what to request, how many at once, and how much of it."""

    id: str
    title: str
    unit: str  # "req/s" or "MB/s"
    path: str
    method: str = "GET"
    concurrency: int = 64
    count: int = 10_000  # requests (or downloads for S4) in a full run
    quick_count: int = 1_000
    warmup: int = 256
    tls: bool = False
    many_hosts: bool = False
    stream: bool = False
    # Upper bound on the timed part: a slow client reports a rate over what it finished, instead
    # of stretching the whole run.
    time_cap: float = 6.0
    # Lower bound: a fast client keeps going past `count` until this much time has passed, so
    # that no sample is a 50 ms blip on a noisy machine (never past 20 x count requests).
    min_time: float = 2.0


SCENARIOS: dict[str, Scenario] = {
    s.id: s
    for s in (
        Scenario("S1", "sequential GET, 11-byte body", "req/s", "/small", concurrency=1,
                 count=4_000, quick_count=500, warmup=50),
        Scenario("S2", "64 concurrent GETs", "req/s", "/small", count=8_000, quick_count=1_500),
        Scenario("S3", "64 concurrent GETs, ~1.1 KiB response headers", "req/s", "/headers",
                 count=8_000, quick_count=1_000),
        # Downloads are sequential: one connection, the point is bytes per second.
        Scenario("S4", "64 MiB streamed download", "MB/s", "/big", concurrency=1, count=4,
                 quick_count=1, warmup=1, stream=True, time_cap=12.0, min_time=0.0),
        Scenario("S5", "64 concurrent POSTs, 1 KiB JSON body", "req/s", "/post", method="POST",
                 count=8_000, quick_count=1_000),
        Scenario("S6", "64 concurrent GETs over keep-alive TLS", "req/s", "/small", tls=True,
                 count=6_000, quick_count=800),
        # Connection set-up is the point here, so no warm-up against these hosts: the warm-up
        # only touches 127.0.0.1 so that imports and lazy initialisation are out of the timing.
        Scenario("S7", f"1,000 GETs over {MANY_HOSTS} host names", "req/s", "/small",
                 count=1_000, quick_count=1_000, warmup=1, many_hosts=True, min_time=0.0),
    )
}

QUICK_SCENARIOS = ("S1", "S2")


class Adapter(Protocol):
    """What each ``benchmarks/clients/<name>.py`` provides (its ``make(target)`` returns one)."""

    async def start(self, limit: int) -> None: ...

    async def get(self, url: str) -> int: ...  # body length; raises unless status 200

    async def post_json(self, url: str, payload: dict[str, Any]) -> int: ...

    async def stream(self, url: str) -> int: ...  # bytes read, chunk by chunk

    async def close(self) -> None: ...


@dataclass(frozen=True)
class Target:
    """Where the server lives, as the child needs it (passed as JSON on the command line)."""

    http_base: str  # "http://127.0.0.1:PORT"
    https_base: str  # "https://127.0.0.1:PORT"
    ca_path: str
    host_bases: tuple[str, ...]  # S7: one base URL per host name

    def urls_for(self, scen: Scenario) -> list[str]:
        if scen.many_hosts:
            return [base + scen.path for base in self.host_bases]
        return [(self.https_base if scen.tls else self.http_base) + scen.path]


def expected_length(scen: Scenario) -> int:
    if scen.stream:
        return BIG_SIZE
    if scen.method == "POST":
        return 2  # "ok"
    return len(SMALL_BODY)


async def drive(adapter: Adapter, scen: Scenario, target: Target, count: int) -> dict[str, Any]:
    """Time ``count`` operations of ``scen`` (bounded by ``scen.time_cap``) and return a sample.

    Workers pull request numbers from one shared counter, so exactly ``concurrency`` requests
    are in flight until the end, whatever each one's latency.
    """
    urls = target.urls_for(scen)
    want = expected_length(scen)
    await adapter.start(limit=scen.concurrency if not scen.many_hosts else 64)

    async def one(url: str) -> int:
        if scen.stream:
            n = await adapter.stream(url)
        elif scen.method == "POST":
            n = await adapter.post_json(url, POST_PAYLOAD)
        else:
            n = await adapter.get(url)
        if n != want:
            raise AssertionError(f"{url}: got {n} body bytes, expected {want}")
        return n

    try:
        warm_url = target.http_base + scen.path if scen.many_hosts else urls[0]
        await asyncio.gather(*(one(warm_url) for _ in range(min(scen.warmup, scen.concurrency))))
        for _ in range(max(0, scen.warmup - scen.concurrency)):
            await one(warm_url)

        next_i = 0
        done = 0
        nbytes = 0
        start = time.perf_counter()
        deadline = start + scen.time_cap
        min_end = start + scen.min_time
        hard_max = 20 * count

        def more() -> bool:
            now = time.perf_counter()
            return (next_i < count or now < min_end) and next_i < hard_max and now < deadline

        async def worker() -> None:
            nonlocal next_i, done, nbytes
            while more():
                i = next_i
                next_i += 1
                nbytes += await one(urls[i % len(urls)])
                done += 1

        cpu0 = time.process_time()  # all threads: a Rust client's runtime threads count too
        await asyncio.gather(*(worker() for _ in range(scen.concurrency)))
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu0
    finally:
        await adapter.close()

    value = nbytes / elapsed / 1e6 if scen.unit == "MB/s" else done / elapsed
    # CPU time per operation is the steadier number on a shared machine: another tenant's load
    # stretches wall time but barely changes what the client itself burns per request.
    return {"value": value, "unit": scen.unit, "done": done, "count": count,
            "elapsed": elapsed, "capped": done < count,
            "cpu_us_per_op": cpu / max(done, 1) * 1e6}
