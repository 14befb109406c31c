"""httpx.AsyncClient (HTTP/1.1, its default)."""

from __future__ import annotations

import ssl
from typing import Any

from benchmarks.scenarios import Target


class HttpxAdapter:
    def __init__(self, target: Target) -> None:
        self._ssl = ssl.create_default_context(cafile=target.ca_path)
        self._client: Any = None

    async def start(self, limit: int) -> None:
        import httpx

        limits = httpx.Limits(max_connections=limit, max_keepalive_connections=limit)
        self._client = httpx.AsyncClient(limits=limits, verify=self._ssl, timeout=30.0)

    async def get(self, url: str) -> int:
        resp = await self._client.get(url)
        if resp.status_code != 200:
            raise RuntimeError(f"status {resp.status_code}")
        return len(resp.content)

    async def post_json(self, url: str, payload: dict[str, Any]) -> int:
        resp = await self._client.post(url, json=payload)
        if resp.status_code != 200:
            raise RuntimeError(f"status {resp.status_code}")
        return len(resp.content)

    async def stream(self, url: str) -> int:
        n = 0
        async with self._client.stream("GET", url) as resp:
            if resp.status_code != 200:
                raise RuntimeError(f"status {resp.status_code}")
            async for chunk in resp.aiter_raw():
                n += len(chunk)
        return n

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()


def make(target: Target) -> HttpxAdapter:
    import httpx  # noqa: F401  (fail here, at make time, when it isn't installed)

    return HttpxAdapter(target)
