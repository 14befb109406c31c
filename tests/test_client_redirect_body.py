"""A 307 that arrives before the request body is out must not leave a half-sent connection pooled.

The server answers right after the request head, before reading the body; the client must then
either finish sending the body on that connection or close it. Reusing it would make the server
read the next request as the missing body.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import aiohttp_fast
from tests.fixtures_client import RawServer, read_head

BODY = b"123456789"


async def test_307_before_body_never_reuses_a_half_sent_connection(
    raw_server: RawServer, tmp_path: Path
) -> None:
    received: list[tuple[bytes, bytes]] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await read_head(reader)
            target = head.split(b" ", 2)[1]
            match = re.search(rb"(?i)content-length: *(\d+)", head)
            length = int(match.group(1)) if match else 0
            if target == b"/a":
                # answer before the body, then read the body as HTTP framing says we must
                writer.write(b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /b\r\n"
                             b"Content-Length: 0\r\n\r\n")
                await writer.drain()
                body = await reader.readexactly(length)
            else:
                body = await reader.readexactly(length)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
            received.append((target, body))

    url = await raw_server.start(handler)
    path = tmp_path / "body.bin"
    path.write_bytes(BODY)
    async with aiohttp_fast.ClientSession() as session:
        for _ in range(5):
            with path.open("rb") as f:
                async with session.post(url.with_path("/a"), data=f) as resp:
                    assert resp.status == 200
                    assert await resp.read() == b"ok"
    # every request the server parsed carried exactly the body the client meant to send
    assert [t for t, _ in received].count(b"/b") == 5
    assert all(body == BODY for _, body in received), received
