"""aiosonic.HTTPClient with a pool sized to the scenario."""

from __future__ import annotations

import ssl
from typing import Any

from benchmarks.scenarios import Target


class AiosonicAdapter:
    def __init__(self, target: Target) -> None:
        self._ssl = ssl.create_default_context(cafile=target.ca_path)
        self._client: Any = None

    async def start(self, limit: int) -> None:
        import aiosonic
        from aiosonic.pools import PoolConfig

        # max_conn_requests=None: its default recycles a connection every 1,000 requests, which
        # would measure reconnects instead of keep-alive.
        pool = PoolConfig(size=limit, max_conn_requests=None)
        connector = aiosonic.TCPConnector(pool_configs={":default": pool})
        self._client = aiosonic.HTTPClient(connector=connector)

    async def get(self, url: str) -> int:
        resp = await self._client.get(url, ssl=self._ssl if url.startswith("https") else None)
        body = await resp.content()
        if resp.status_code != 200:
            raise RuntimeError(f"status {resp.status_code}")
        return len(body)

    async def post_json(self, url: str, payload: dict[str, Any]) -> int:
        resp = await self._client.post(url, json=payload)
        body = await resp.content()
        if resp.status_code != 200:
            raise RuntimeError(f"status {resp.status_code}")
        return len(body)

    async def stream(self, url: str) -> int:
        n = 0
        # Its streaming API: a plain get() reads the whole 64 MiB with readexactly first.
        async with self._client.stream("GET", url) as resp:
            if resp.status_code != 200:
                raise RuntimeError(f"status {resp.status_code}")
            async for chunk in resp.read_chunks():
                n += len(chunk)
        return n

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()


def make(target: Target) -> AiosonicAdapter:
    import aiosonic  # noqa: F401

    return AiosonicAdapter(target)
