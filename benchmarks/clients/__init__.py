"""One small adapter per client library, all with the shape of ``scenarios.Adapter``.

Each module has ``make(target) -> Adapter`` and imports its library only inside ``make`` so that
listing the clients never imports them; ``worker.py`` turns an import error into a "failed" sample.
"""

# name -> (module under benchmarks.clients, extra environment for the child process)
CLIENTS: dict[str, tuple[str, dict[str, str]]] = {
    "aiohttp_fast": ("aiohttp_fast_c", {"AIOHTTP_FAST_NO_EXTENSIONS": "0"}),
    "aiohttp_fast-py": ("aiohttp_fast_py", {"AIOHTTP_FAST_NO_EXTENSIONS": "1"}),
    "aiohttp": ("aiohttp_client", {}),
    "httpx": ("httpx_client", {}),
    "aiosonic": ("aiosonic_client", {}),
    "pyreqwest": ("pyreqwest_client", {}),
    "rnet": ("rnet_client", {}),
    "raw": ("raw", {}),
}
