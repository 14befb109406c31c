"""aiohttp_fast with its compiled extensions: the aiohttp adapter with the import swapped."""

from __future__ import annotations

from benchmarks.clients.aiohttp_client import AiohttpLike
from benchmarks.scenarios import Target


def make(target: Target) -> AiohttpLike:
    import aiohttp_fast

    return AiohttpLike(aiohttp_fast, target)
