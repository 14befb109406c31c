"""rnet (Rust, BoringSSL, its own runtime; awaited from asyncio)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.scenarios import Target


class RnetAdapter:
    def __init__(self, target: Target) -> None:
        self._ca = Path(target.ca_path)
        self._client: Any = None

    async def start(self, limit: int) -> None:
        import rnet

        self._client = rnet.Client(verify=self._ca, pool_max_size=limit, http1_only=True)

    async def get(self, url: str) -> int:
        resp = await self._client.get(url)
        body = await resp.bytes()
        if resp.status != 200:
            raise RuntimeError(f"status {resp.status}")
        return len(body)

    async def post_json(self, url: str, payload: dict[str, Any]) -> int:
        # Serialised with the stdlib like every Python client does, not in Rust.
        data = json.dumps(payload).encode()
        headers = {"content-type": "application/json"}
        resp = await self._client.post(url, body=data, headers=headers)
        body = await resp.bytes()
        if resp.status != 200:
            raise RuntimeError(f"status {resp.status}")
        return len(body)

    async def stream(self, url: str) -> int:
        n = 0
        resp = await self._client.get(url)
        if resp.status != 200:
            raise RuntimeError(f"status {resp.status}")
        async with resp.stream() as streamer:
            async for chunk in streamer:
                n += len(chunk)
        return n

    async def close(self) -> None:
        # rnet's Client has no close; dropping it releases the pool.
        self._client = None


def make(target: Target) -> RnetAdapter:
    import rnet  # noqa: F401

    return RnetAdapter(target)
