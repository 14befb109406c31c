"""aiohttp_fast in pure Python (the child runs with AIOHTTP_FAST_NO_EXTENSIONS=1)."""

from __future__ import annotations

from benchmarks.clients.aiohttp_client import AiohttpLike
from benchmarks.scenarios import Target


def make(target: Target) -> AiohttpLike:
    import aiohttp_fast

    return AiohttpLike(aiohttp_fast, target)
