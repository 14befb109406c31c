"""One measurement in a fresh process: ``python benchmarks/worker.py '<json job>'``.

Pins itself to the client core *before* importing a client (Rust clients start their runtime
threads at import or first use, and threads inherit the affinity), runs one scenario on one
loop, and prints a single ``RESULT {json}`` line, flushed at once: some clients crash at
interpreter exit after a download, and the parent must still get the number.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import importlib.metadata
import json
import os
import resource
import sys
import time
import traceback
from pathlib import Path
from typing import Any

RESULT_PREFIX = "RESULT "
DISTRIBUTIONS = {
    "aiohttp_fast": "aiohttp_fast", "aiohttp_fast-py": "aiohttp_fast", "aiohttp": "aiohttp",
    "httpx": "httpx", "aiosonic": "aiosonic", "pyreqwest": "pyreqwest", "rnet": "rnet",
}


def pin(cpu: int | None) -> None:
    if cpu is None:
        return
    try:
        # Not checked against the inherited mask: the parent pins itself elsewhere.
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError):
        pass  # no affinity API (macOS) or not allowed: run unpinned rather than not at all


def emit(result: dict[str, Any]) -> None:
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


def library_info(client: str) -> dict[str, Any]:
    info: dict[str, Any] = {}
    dist = DISTRIBUTIONS.get(client)
    if dist:
        try:
            info["version"] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    if client.startswith("aiohttp_fast"):
        # Which twin really ran: the child's env asks for one, this records what it got.
        for mod in ("aiohttp_fast.http_parser", "aiohttp_fast.http_writer"):
            try:
                info[mod.rsplit(".", 1)[1] + "_impl"] = importlib.import_module(mod).IMPL
            except Exception:  # noqa: BLE001 - informational only
                pass
    return info


def main() -> int:
    job = json.loads(sys.argv[1])
    pin(job.get("cpu"))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    from benchmarks.clients import CLIENTS
    from benchmarks.scenarios import SCENARIOS, Target, drive

    client, loop_name = job["client"], job["loop"]
    scen = dataclasses.replace(SCENARIOS[job["scenario"]], time_cap=job["time_cap"],
                               min_time=job["min_time"])
    target = Target(**{**job["target"], "host_bases": tuple(job["target"]["host_bases"])})
    base = {"client": client, "loop": loop_name, "scenario": scen.id, "round": job["round"]}
    try:
        module = importlib.import_module(f"benchmarks.clients.{CLIENTS[client][0]}")
        adapter = module.make(target)
        if loop_name == "uvloop":
            import uvloop

            factory = uvloop.new_event_loop
        else:
            factory = asyncio.new_event_loop
        t0 = time.perf_counter()
        with asyncio.Runner(loop_factory=factory) as runner:
            sample = runner.run(
                asyncio.wait_for(drive(adapter, scen, target, job["count"]), job["timeout"])
            )
        sample["wall"] = time.perf_counter() - t0
    except BaseException as exc:  # noqa: BLE001 - every failure becomes a reported sample
        tb = traceback.format_exception(exc)
        detail = str(exc) or f"(after {job['timeout']:.0f}s)" * isinstance(exc, TimeoutError)
        emit({**base, "error": f"{type(exc).__name__}: {detail}"[:300],
              "trace": "".join(tb)[-2000:]})
        return 0
    # Peak RSS of the whole child (KiB on Linux): the issue asks S2's to stay at or under aiohttp's.
    sample["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    emit({**base, **sample, "lib": library_info(client)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
