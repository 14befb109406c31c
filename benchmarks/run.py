"""``make bench``: every client, every scenario, both loops, in fresh pinned processes.

    python benchmarks/run.py [--quick] [--rounds N] [--clients a,b] [--scenarios S1,S2]
                             [--loops asyncio,uvloop] [--server nginx|embedded|auto]

The server runs on CPU 1, each measurement in a new process on CPU 0. Runs are interleaved
(round → scenario → loop → client) so that drift on a noisy machine spreads over every client
instead of landing on whichever ran last. Prints markdown tables and writes bench-results.json
and bench-results.png into the current directory (or ``--out``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import report  # noqa: E402
from benchmarks.clients import CLIENTS  # noqa: E402
from benchmarks.scenarios import POST_PAYLOAD, QUICK_SCENARIOS, SCENARIOS  # noqa: E402
from benchmarks.server import BenchServer, ServerInfo  # noqa: E402
from benchmarks.worker import RESULT_PREFIX  # noqa: E402

SERVER_CPU, CLIENT_CPU = 1, 0
QUICK_TIME_CAP, QUICK_MIN_TIME = 1.0, 0.3
# Libraries that may simply not be installed: skipped with a note. aiohttp_fast is never
# skipped: while it doesn't work it must show up as failed.
OPTIONAL = {"aiohttp": "aiohttp", "httpx": "httpx", "aiosonic": "aiosonic",
            "pyreqwest": "pyreqwest", "rnet": "rnet"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="1 round, fewer requests, S1/S2 only unless --scenarios says otherwise")
    p.add_argument("--rounds", type=int, default=None, help="rounds (default 3, quick 1)")
    p.add_argument("--clients", default=",".join(CLIENTS))
    p.add_argument("--scenarios", default=None, help="default: all (quick: S1,S2)")
    p.add_argument("--loops", default="asyncio,uvloop")
    p.add_argument("--server", choices=("auto", "nginx", "embedded"), default="auto")
    p.add_argument("--pin", choices=("auto", "split", "shared"), default="auto",
                   help="split: server on CPU 1, clients on CPU 0; shared: both on CPU 1; "
                   "auto: split unless cross-core round trips are much slower (see README)")
    p.add_argument("--out", default=".", help="directory for bench-results.{json,png}")
    args = p.parse_args(argv)
    args.clients = [c.strip() for c in args.clients.split(",") if c.strip()]
    unknown = [c for c in args.clients if c not in CLIENTS]
    if unknown:
        p.error(f"unknown clients {unknown}; known: {', '.join(CLIENTS)}")
    default_scen = QUICK_SCENARIOS if args.quick else tuple(SCENARIOS)
    args.scenarios = [s.strip().upper() for s in (args.scenarios or ",".join(default_scen))
                      .split(",") if s.strip()]
    bad = [s for s in args.scenarios if s not in SCENARIOS]
    if bad:
        p.error(f"unknown scenarios {bad}; known: {', '.join(SCENARIOS)}")
    args.loops = [lp.strip() for lp in args.loops.split(",") if lp.strip()]
    if any(lp not in ("asyncio", "uvloop") for lp in args.loops):
        p.error("--loops takes asyncio and/or uvloop")
    args.rounds = args.rounds or (1 if args.quick else 3)
    return args


def machine_info(server: ServerInfo) -> dict[str, Any]:
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str] = {"python": platform.python_version(),
                                "asyncio": f"stdlib ({platform.python_version()})"}
    try:
        import uvloop

        versions["uvloop"] = uvloop.__version__
    except ImportError:
        versions["uvloop"] = "not installed"
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu": cpu_model,
        "platform": platform.platform(),
        "versions": versions,
        "server": {"kind": server.kind, "version": server.version},
    }


def check_keepalive_post(info: ServerInfo) -> None:
    """Two pipelined POSTs then a GET on one connection must give three 200s.

    If the server answered without consuming a body, the leftover body bytes would be parsed
    as the next request and the sequence would break: this proves /post is safe on keep-alive.
    """
    body = json.dumps(POST_PAYLOAD).encode()
    post = (b"POST /post HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)) + body
    get = b"GET /small HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with socket.create_connection(("127.0.0.1", info.http_port), timeout=5) as s:
        s.sendall(post + post + get)
        data = b""
        deadline = time.monotonic() + 5
        while data.count(b"HTTP/1.1 ") < 3 or not data.endswith(b"hello world"):
            if time.monotonic() > deadline:
                break
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    if data.count(b"HTTP/1.1 200 ") != 3 or not data.endswith(b"hello world"):
        raise RuntimeError(f"{info.kind}: /post breaks keep-alive: {data[:300]!r}")


def _ping_pong(port: int, cpu: int, n: int = 1500) -> float:
    """Sequential round trips per second to /small from this process, pinned to ``cpu``."""
    os.sched_setaffinity(0, {cpu})
    req = b"GET /small HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(n + 200):  # the first 200 warm up caches and the connection
            if i == 200:
                t0 = time.perf_counter()
            s.sendall(req)
            data = s.recv(4096)
            while not data.endswith(b"hello world"):
                data += s.recv(4096)
    return n / (time.perf_counter() - t0)


def choose_pinning(mode: str, port: int, notes: list[str]) -> tuple[int | None, dict[str, int]]:
    """Pick the clients' CPU; returns it and the calibration numbers.

    Pinning client and server to different cores is the intent (the server must not steal
    the client's CPU), but on some VMs (Firecracker with guest halt-polling off, as here) a
    wake-up across vCPUs costs ~100 µs, so every round trip measures the hypervisor rather
    than the client, and the numbers swing with whatever else keeps the vCPUs awake. ``auto``
    measures that penalty against the running server and shares the server's core when it is
    large; the choice and the numbers go into the report.
    """
    if len(os.sched_getaffinity(0)) < 2:
        notes.append("fewer than 2 usable cores: nothing pinned, client and server share it")
        return None, {}
    # Measured in every mode, for the record. Alternate twice and keep each side's best: the
    # machine is shared and noisy.
    same = cross = 0.0
    for _ in range(2):
        cross = max(cross, _ping_pong(port, CLIENT_CPU))
        same = max(same, _ping_pong(port, SERVER_CPU))
    os.sched_setaffinity(0, {CLIENT_CPU})
    calib = {"cross_core_rtt_per_s": round(cross), "same_core_rtt_per_s": round(same)}
    penalty = calib["same_core_rtt_per_s"] / max(calib["cross_core_rtt_per_s"], 1)
    shared = mode == "shared" or (mode == "auto" and penalty >= 3.0)
    desc = (f"blocking ping-pong to the server: {calib['same_core_rtt_per_s']:,} round trips/s "
            f"on its core, {calib['cross_core_rtt_per_s']:,}/s from the other core "
            f"({penalty:.1f}× penalty)")
    if shared:
        notes.append(f"pinning: clients share the server's CPU {SERVER_CPU} ({mode}); {desc}")
        return SERVER_CPU, calib
    notes.append(f"pinning: server CPU {SERVER_CPU}, clients CPU {CLIENT_CPU} ({mode}); {desc}")
    return CLIENT_CPU, calib


def available_clients(wanted: list[str], notes: list[str]) -> list[str]:
    out = []
    for c in wanted:
        mod = OPTIONAL.get(c)
        if mod and importlib.util.find_spec(mod) is None:
            notes.append(f"{c}: not importable here, skipped (pip install {mod})")
            continue
        out.append(c)
    return out


def run_child(job: dict[str, Any], env_extra: dict[str, str], timeout: float) -> dict[str, Any]:
    env = {**os.environ, **env_extra, "PYTHONHASHSEED": "0"}
    base = {k: job[k] for k in ("client", "loop", "scenario", "round")}
    try:
        proc = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "worker.py"), json.dumps(job)],
            capture_output=True, text=True, timeout=timeout, env=env, cwd=str(ROOT),
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        found = _result_line(out)
        if found is not None:  # the number came out; it was the exit that hung
            return {**found, "exit_crash": f"hung at exit (killed after {timeout:.0f}s)"}
        return {**base, "error": f"timed out after {timeout:.0f}s"}
    found = _result_line(proc.stdout)
    if found is None:
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-3:]
        return {**base, "error": f"exit {proc.returncode}, no result: {' | '.join(tail)[:300]}"}
    if proc.returncode != 0:
        # Printed its result, then died (pyreqwest/rnet after a download, for instance): the
        # number stands, the crash is reported next to it.
        found["exit_crash"] = f"exit code {proc.returncode}"
    return found


def _result_line(out: str) -> dict[str, Any] | None:
    for line in reversed(out.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return dict(json.loads(line[len(RESULT_PREFIX):]))
    return None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def progress(text: str) -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K" + text)
    else:
        sys.stderr.write("\r" + text.ljust(100))
    sys.stderr.flush()


def run_jobs(jobs: list[tuple[int, str, str, str]], args: argparse.Namespace,
             client_cpu: int | None, target: dict[str, Any], samples: list[dict[str, Any]],
             started: float) -> None:
    """Run every job in order, appending one sample each (failures included)."""
    for i, (rnd, sid, loop, client) in enumerate(jobs, 1):
        scen = SCENARIOS[sid]
        progress(f"[{i}/{len(jobs)}] round {rnd + 1}/{args.rounds} {sid} {loop} "
                 f"{client}  ({time.monotonic() - started:.0f}s)")
        count = scen.quick_count if args.quick else scen.count
        # --quick must stay under a minute even with httpx at ~200 req/s under
        # concurrency, so the bounds on its timed part are tighter.
        cap, floor = scen.time_cap, scen.min_time
        if args.quick:
            cap, floor = min(cap, QUICK_TIME_CAP), min(floor, QUICK_MIN_TIME)
        job = {"client": client, "loop": loop, "scenario": sid, "round": rnd,
               "count": count, "cpu": client_cpu, "target": target,
               "time_cap": cap, "min_time": floor,
               "timeout": cap + 45}
        samples.append(run_child(job, CLIENTS[client][1], cap + 60))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in background
    notes: list[str] = []
    clients = available_clients(args.clients, notes)
    samples: list[dict[str, Any]] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="aiohttp-fast-bench-") as tmp:
        with BenchServer(args.server, Path(tmp), cpu=SERVER_CPU) as info:
            notes += info.notes
            check_keepalive_post(info)
            client_cpu, calib = choose_pinning(args.pin, info.http_port, notes)
            meta = machine_info(info)
            meta["pinning"] = {"mode": args.pin, "server_cpu": SERVER_CPU,
                               "client_cpu": client_cpu, **calib}
            target = {"http_base": f"http://127.0.0.1:{info.http_port}",
                      "https_base": f"https://127.0.0.1:{info.https_port}",
                      "ca_path": info.ca_path, "host_bases": info.host_bases}
            jobs = [(r, sid, lp, c) for r in range(args.rounds) for sid in args.scenarios
                    for lp in args.loops for c in clients]
            try:
                run_jobs(jobs, args, client_cpu, target, samples, started)
            except KeyboardInterrupt:
                # Ctrl-C or SIGTERM: stop measuring, but stop the server (the `with`) and still
                # report what was measured.
                notes.append(f"interrupted after {len(samples)} of {len(jobs)} runs")
    progress(f"done: {len(samples)} runs")
    sys.stderr.write("\n")
    took = time.monotonic() - started
    notes.append(f"server: {info.kind} {info.version}; {args.rounds} round(s); "
                 f"{took:.0f}s in all")
    text = report.markdown(samples, clients, args.loops, args.scenarios, notes)
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    meta["config"] = {"quick": args.quick, "rounds": args.rounds, "clients": clients,
                      "scenarios": args.scenarios, "loops": args.loops, "server": args.server,
                      "seconds": round(took, 1)}
    meta["notes"] = notes
    report.write_json(out / "bench-results.json", samples, meta)
    try:
        report.write_png(out / "bench-results.png", samples, clients, args.loops,
                         args.scenarios, f"aiohttp_fast benchmarks, {meta['date']}, "
                         f"{info.kind} server")
    except Exception as exc:  # noqa: BLE001 - a missing plot must not lose the numbers
        print(f"(no bench-results.png: {type(exc).__name__}: {exc})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
