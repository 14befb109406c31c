"""The client's own cost per request, without sockets: the real session, pool, protocol and
parser over a fake transport that answers every request at once.

Two measures, both in one process:

- wall time per request (``--requests``, 64 at once), noisy on a shared machine but free of
  syscalls and of any server;
- ``--opcodes``: Python bytecodes executed per request, per function (a ``sys.settrace``
  opcode tracer; slow, exact, the same from run to run), which is how the hot path was
  trimmed: a change that removes bytecodes shows up here when wall time can not resolve it.

    python benchmarks/bench_request_path.py [--method GET|POST] [--loop uvloop|asyncio]
    python benchmarks/bench_request_path.py --opcodes [--top 40]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp_fast  # noqa: E402
from aiohttp_fast.connector import TCPConnector  # noqa: E402

RESPONSE = (
    b"HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Wed, 25 Nov 2026 12:00:00 GMT\r\n"
    b"Content-Type: text/plain\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n"
    b"hello world"
)
CONCURRENCY = 64


class AnsweringTransport(asyncio.Transport):
    """Answers each write with RESPONSE on the next loop iteration, through get_buffer."""

    def __init__(self, protocol: Any, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._protocol, self._loop, self._closing = protocol, loop, False

    def write(self, data: Any) -> None:
        self._loop.call_soon(self._answer)

    def _answer(self) -> None:
        buf = self._protocol.get_buffer(-1)
        buf[: len(RESPONSE)] = RESPONSE
        self._protocol.buffer_updated(len(RESPONSE))

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        if not self._closing:
            self._closing = True
            self._loop.call_soon(self._protocol.connection_lost, None)

    def abort(self) -> None:
        self.close()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


class AnsweringConnector(TCPConnector):
    async def _create_connection(self, req: Any, traces: Any, timeout: Any) -> Any:
        proto = self._factory()
        proto.connection_made(AnsweringTransport(proto, self._loop))
        return proto


async def run(requests: int, method: str, tracer: Any = None) -> float:
    """Seconds per request for ``requests`` requests (after a warm-up), optionally traced."""
    async with aiohttp_fast.ClientSession(
        connector=AnsweringConnector(limit=CONCURRENCY)
    ) as session:

        async def one() -> None:
            if method == "POST":
                async with session.post("http://example.com/post", json={"a": 1}) as resp:
                    await resp.read()
            else:
                async with session.get("http://example.com/small") as resp:
                    await resp.read()

        async def worker(count: int) -> None:
            for _ in range(count):
                await one()

        await asyncio.gather(*(worker(20) for _ in range(CONCURRENCY)))
        each = max(1, requests // CONCURRENCY)
        if tracer is not None:
            sys.settrace(tracer)
        start = time.perf_counter()
        try:
            await asyncio.gather(*(worker(each) for _ in range(CONCURRENCY)))
        finally:
            sys.settrace(None)
        return (time.perf_counter() - start) / (each * CONCURRENCY)


def count_opcodes(requests: int, method: str) -> tuple[int, collections.Counter[str]]:
    counts: collections.Counter[str] = collections.Counter()

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        if event == "opcode":
            code = frame.f_code
            counts[f"{Path(code.co_filename).name}:{code.co_name}"] += 1
        return tracer

    asyncio.run(run(requests, method, tracer))
    done = max(1, requests // CONCURRENCY) * CONCURRENCY
    return done, counts


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=200_000)
    p.add_argument("--method", choices=("GET", "POST"), default="GET")
    p.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    p.add_argument("--opcodes", action="store_true", help="count bytecodes per request")
    p.add_argument("--top", type=int, default=30)
    args = p.parse_args()
    if args.loop == "uvloop":
        import uvloop

        uvloop.install()
    if args.opcodes:
        done, counts = count_opcodes(min(args.requests, 6_400), args.method)
        print(f"{args.method}: {sum(counts.values()) / done:,.0f} bytecodes per request")
        for name, count in counts.most_common(args.top):
            print(f"{count / done:8.1f}  {name}")
        return 0
    seconds = asyncio.run(run(args.requests, args.method))
    print(f"{args.method} on {args.loop}: {seconds * 1e6:.2f} µs per request (in process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
