"""Python heap per idle pooled connection (tracemalloc), aiohttp_fast vs aiohttp.

The speed issue's memory target: 10,000 idle keep-alive connections in the pool cost under 4 KiB
of Python heap each. Each client runs in its own process: it opens N connections at once (one GET
each, bodies read, connections released to the pool idle) against a small keep-alive server in
another process, and reports the traced heap growth over the baseline divided by N.

    python benchmarks/bench_idle_pool.py [--connections 10000] [--clients aiohttp_fast,aiohttp]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def _serve(port_file: Path, hold: int) -> None:
    # The first request is answered at once (the client's warm-up); after it, answers are held
    # until `hold` requests wait, so the client must really open `hold` connections at once
    # (a pool reuses a connection as soon as its response is complete).
    waiting: list[asyncio.Transport] = []
    answered = 0

    class Answer(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport

        def data_received(self, data: bytes) -> None:
            nonlocal answered
            if answered == 0:
                answered = 1
                self.transport.write(RESPONSE)  # type: ignore[attr-defined]
                return
            waiting.append(self.transport)  # type: ignore[arg-type]
            if len(waiting) >= hold:
                for transport in waiting:
                    transport.write(RESPONSE)
                waiting.clear()

    server = await asyncio.get_running_loop().create_server(Answer, "127.0.0.1", 0, backlog=4096)
    port_file.write_text(str(server.sockets[0].getsockname()[1]))
    await asyncio.Event().wait()


async def _open_all(session: object, url: str, count: int) -> None:
    # Every request runs in its own task and drops its response when done, so what stays on the
    # heap afterwards is what the pool keeps per idle connection, not the responses themselves.
    async def one() -> None:
        async with session.get(url) as resp:  # type: ignore[attr-defined]
            await resp.read()

    tasks = [asyncio.ensure_future(one()) for _ in range(count)]
    for task in tasks:
        await task


async def _measure(lib_name: str, port: int, count: int) -> dict[str, float]:
    lib = __import__(lib_name)
    url = f"http://127.0.0.1:{port}/"
    connector = lib.TCPConnector(limit=0, keepalive_timeout=600)
    async with lib.ClientSession(connector=connector) as session:
        async with session.get(url) as resp:  # warm up imports and caches
            await resp.read()
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        await _open_all(session, url, count)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        # the connections really are open and idle: count the process's sockets
        sockets = sum(
            1 for fd in Path("/proc/self/fd").iterdir() if "socket" in _readlink(fd)
        )
        return {"per_connection_bytes": (after - before) / count, "open_sockets": sockets}


def _readlink(path: Path) -> str:
    try:
        return str(path.readlink())
    except OSError:
        return ""


def _child(lib_name: str, port: int, count: int) -> None:
    _raise_fd_limit()
    result = asyncio.run(_measure(lib_name, port, count))
    print(json.dumps({"client": lib_name, **result}), flush=True)


def _run_client(root: Path, name: str, count: int) -> str:
    """One client in its own process against a fresh server process; a table cell pair."""
    port_file = root / ".bench-idle-port"
    port_file.unlink(missing_ok=True)
    server = subprocess.Popen(
        [sys.executable, __file__, "--server", str(port_file), str(count)], cwd=root
    )
    try:
        while not port_file.exists() or not port_file.read_text():
            if server.poll() is not None:
                return "server failed to start | "
            time.sleep(0.05)
        port = int(port_file.read_text())
        out = subprocess.run(
            [sys.executable, __file__, "--child", name, str(port), str(count)],
            capture_output=True, text=True, cwd=root,
        )
    finally:
        server.terminate()
        server.wait()
        port_file.unlink(missing_ok=True)
    line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    if out.returncode or not line:
        return f"failed: {out.stderr.strip().splitlines()[-1:]} | "
    res = json.loads(line)
    return f"{res['per_connection_bytes'] / 1024:.2f} KiB | {res['open_sockets']:,}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--connections", type=int, default=10_000)
    p.add_argument("--clients", default="aiohttp_fast,aiohttp")
    p.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    p.add_argument("--server", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.server:
        _raise_fd_limit()
        asyncio.run(_serve(Path(args.server[0]), int(args.server[1])))
        return 0
    if args.child:
        _child(args.child[0], int(args.child[1]), int(args.child[2]))
        return 0

    root = Path(__file__).resolve().parent.parent
    rows = []
    for name in args.clients.split(","):
        rows.append(f"| {name} | {_run_client(root, name, args.connections)} |")
    print(f"Python heap per idle pooled connection ({args.connections:,} connections)\n")
    print("| client | heap per connection | open sockets at the end |\n|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
