"""aiohttp, and (via ``AiohttpLike``) anything with its client API: aiohttp_fast."""

from __future__ import annotations

import ssl
from types import ModuleType
from typing import Any

from benchmarks.scenarios import Target


class AiohttpLike:
    def __init__(self, lib: ModuleType, target: Target) -> None:
        self._lib = lib
        self._ssl = ssl.create_default_context(cafile=target.ca_path)
        self._session: Any = None

    async def start(self, limit: int) -> None:
        lib = self._lib
        # limit_per_host=0 (no per-host cap) and the default DNS cache: the library's defaults
        # except the total, which the scenario sets.
        conn = lib.TCPConnector(limit=limit, ssl=self._ssl)
        self._session = lib.ClientSession(connector=conn)

    async def get(self, url: str) -> int:
        async with self._session.get(url) as resp:
            body = await resp.read()
            if resp.status != 200:
                raise RuntimeError(f"status {resp.status}")
            return len(body)

    async def post_json(self, url: str, payload: dict[str, Any]) -> int:
        async with self._session.post(url, json=payload) as resp:
            body = await resp.read()
            if resp.status != 200:
                raise RuntimeError(f"status {resp.status}")
            return len(body)

    async def stream(self, url: str) -> int:
        n = 0
        async with self._session.get(url) as resp:
            if resp.status != 200:
                raise RuntimeError(f"status {resp.status}")
            async for chunk in resp.content.iter_any():
                n += len(chunk)
        return n

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def make(target: Target) -> AiohttpLike:
    import aiohttp

    return AiohttpLike(aiohttp, target)
