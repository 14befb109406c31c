"""What tracing costs on the request path: no TraceConfig vs one empty vs one with handlers.

The cookies-and-tracing issue asks that a session without trace configs pays nothing measurable.
One process, one keep-alive server in another process, the three sessions interleaved over
several rounds; the figure is client CPU time per request (``time.process_time``), which a
shared machine disturbs less than wall-clock rates.

    python benchmarks/bench_tracing.py [--requests 20000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"
CONCURRENCY = 64


async def _serve(port_file: Path) -> None:
    class Answer(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport

        def data_received(self, data: bytes) -> None:
            self.transport.write(RESPONSE * data.count(b"\r\n\r\n"))  # type: ignore[attr-defined]

    server = await asyncio.get_running_loop().create_server(Answer, "127.0.0.1", 0)
    port_file.write_text(str(server.sockets[0].getsockname()[1]))
    await asyncio.Event().wait()


def _configs(kind: str) -> list[object]:
    import aiohttp_fast

    if kind == "none":
        return []
    config = aiohttp_fast.TraceConfig()
    if kind == "handlers":
        async def noop(session: object, ctx: object, params: object) -> None:
            return None

        for name in ("on_request_start", "on_request_end", "on_connection_reuseconn",
                     "on_request_headers_sent", "on_response_chunk_received"):
            getattr(config, name).append(noop)
    return [config]


async def _run(url: str, kind: str, requests: int) -> float:
    import aiohttp_fast

    connector = aiohttp_fast.TCPConnector(limit=CONCURRENCY)
    async with aiohttp_fast.ClientSession(
        connector=connector, trace_configs=_configs(kind)  # type: ignore[arg-type]
    ) as session:
        async def worker(n: int) -> None:
            for _ in range(n):
                async with session.get(url) as resp:
                    await resp.read()

        await asyncio.gather(*(worker(20) for _ in range(CONCURRENCY)))  # warm the pool
        start = time.process_time()
        await asyncio.gather(*(worker(requests // CONCURRENCY) for _ in range(CONCURRENCY)))
        return (time.process_time() - start) / (requests // CONCURRENCY * CONCURRENCY) * 1e6


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=20_000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--server", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.server:
        asyncio.run(_serve(Path(args.server)))
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    port_file = Path(__file__).resolve().parent.parent / ".bench-tracing-port"
    port_file.unlink(missing_ok=True)
    server = subprocess.Popen([sys.executable, __file__, "--server", str(port_file)])
    try:
        while not port_file.exists() or not port_file.read_text():
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port_file.read_text()}/"
        kinds = ("none", "empty", "handlers")
        samples: dict[str, list[float]] = {k: [] for k in kinds}
        for _ in range(args.rounds):
            for kind in kinds:  # interleaved, so drift spreads over all three
                samples[kind].append(asyncio.run(_run(url, kind, args.requests)))
    finally:
        server.terminate()
        server.wait()
        port_file.unlink(missing_ok=True)
    base = statistics.median(samples["none"])
    print("| trace configs | client CPU µs/request (median) | vs none |\n|---|---|---|")
    labels = {"none": "none", "empty": "one, no handlers", "handlers": "one, 5 no-op handlers"}
    for kind in kinds:
        med = statistics.median(samples[kind])
        print(f"| {labels[kind]} | {med:.1f} | {med / base:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
