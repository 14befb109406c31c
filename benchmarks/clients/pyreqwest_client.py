"""pyreqwest (Rust reqwest under a tokio runtime, awaited from asyncio)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.scenarios import Target


class PyreqwestAdapter:
    def __init__(self, target: Target) -> None:
        self._ca_pem = Path(target.ca_path).read_bytes()
        self._client: Any = None

    async def start(self, limit: int) -> None:
        from pyreqwest.client import ClientBuilder

        self._client = (
            ClientBuilder().max_connections(limit).add_root_certificate_pem(self._ca_pem).build()
        )

    async def get(self, url: str) -> int:
        resp = await self._client.get(url).build().send()
        body = await resp.bytes()
        if resp.status != 200:
            raise RuntimeError(f"status {resp.status}")
        return len(body)

    async def post_json(self, url: str, payload: dict[str, Any]) -> int:
        # body_json would serialise in Rust; json.dumps keeps the encoding work equal to the
        # Python clients', which all call the stdlib encoder.
        data = json.dumps(payload).encode()
        req = self._client.post(url).header("content-type", "application/json").body_bytes(data)
        resp = await req.build().send()
        body = await resp.bytes()
        if resp.status != 200:
            raise RuntimeError(f"status {resp.status}")
        return len(body)

    async def stream(self, url: str) -> int:
        n = 0
        async with self._client.get(url).build_streamed() as resp:
            if resp.status != 200:
                raise RuntimeError(f"status {resp.status}")
            reader = resp.body_reader
            while (chunk := await reader.read_chunk()) is not None:
                n += len(chunk)
        return n

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()


def make(target: Target) -> PyreqwestAdapter:
    import pyreqwest  # noqa: F401

    return PyreqwestAdapter(target)
