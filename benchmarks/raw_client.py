"""The ceiling: a bare asyncio.Protocol per connection, prebuilt request bytes, no HTTP parser.

It finds the end of each response with a bytes search for the blank line and the
Content-Length value, which is all the servers here ever send. Whatever a real client does on top
of this (header parsing, a response object, a pool with limits, cookies) is its overhead.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

from benchmarks.scenarios import Target


class RawConnection(asyncio.BufferedProtocol):
    """One keep-alive connection; ``exchange`` writes a request and resolves to the body length.

    A BufferedProtocol: the transport reads straight into one reusable buffer, so body bytes
    are counted and never copied, which keeps the ceiling a ceiling for the 64 MiB download.
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._recv = bytearray(256 * 1024)
        self._view = memoryview(self._recv)
        self._head = bytearray()  # only the response head is ever accumulated
        self._remaining = -1  # body bytes still expected; -1 while the head is incomplete
        self._status_ok = False
        self._body_len = 0
        self._waiter: asyncio.Future[int] | None = None
        self._exc: BaseException | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self._exc = exc or ConnectionResetError("server closed the connection")
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(self._exc)

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._view

    def buffer_updated(self, nbytes: int) -> None:
        if self._remaining >= 0:
            self._remaining -= nbytes
        else:
            self._head += self._view[:nbytes]
            end = self._head.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self._head[:end]).lower()
            self._status_ok = head[9:12] == b"200"
            at = head.find(b"\r\ncontent-length:")
            if at < 0:
                self._fail(ValueError("raw client needs Content-Length"))
                return
            stop = head.find(b"\r\n", at + 17)
            self._body_len = int(head[at + 17 : stop if stop >= 0 else len(head)])
            self._remaining = self._body_len - (len(self._head) - end - 4)
            self._head.clear()
        if self._remaining <= 0:
            self._remaining = -1
            waiter, self._waiter = self._waiter, None
            if waiter is not None and not waiter.done():
                if self._status_ok:
                    waiter.set_result(self._body_len)
                else:
                    waiter.set_exception(RuntimeError("status is not 200"))

    def _fail(self, exc: BaseException) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(exc)
        if self.transport is not None:
            self.transport.close()

    def exchange(self, request: bytes) -> asyncio.Future[int]:
        if self._exc is not None or self.transport is None:
            raise ConnectionResetError("connection is closed")
        fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiter = fut
        self.transport.write(request)
        return fut


class RawAdapter:
    def __init__(self, target: Target) -> None:
        self._ssl = ssl.create_default_context(cafile=target.ca_path)
        self._idle: dict[tuple[str, int, bool], list[RawConnection]] = {}
        self._requests: dict[tuple[str, str], bytes] = {}
        self._addrs: dict[tuple[str, int], asyncio.Task[Any]] = {}
        self._all: list[RawConnection] = []

    async def start(self, limit: int) -> None:
        # No limit to enforce: the driver never has more than `limit` requests in flight.
        return None

    async def _connect(self, host: str, port: int, tls: bool) -> RawConnection:
        loop = asyncio.get_running_loop()
        pending = self._addrs.get((host, port))
        if pending is None:
            # Resolve once per host, shared by every connection racing to it (S7 opens many at
            # once): a real client caches DNS too, and this is the ceiling.
            pending = self._addrs[(host, port)] = loop.create_task(
                loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            )
        addr = (await pending)[0][4]
        _, proto = await loop.create_connection(
            RawConnection, addr[0], addr[1],
            ssl=self._ssl if tls else None, server_hostname=host if tls else None,
        )
        self._all.append(proto)
        return proto

    def _request(
        self, method: str, url: str, payload: dict[str, Any] | None = None
    ) -> tuple[tuple[str, int, bool], bytes]:
        parts = urlsplit(url)
        tls = parts.scheme == "https"
        host = parts.hostname or ""
        port = parts.port or (443 if tls else 80)
        req = self._requests.get((method, url))
        if req is None:
            # Built (and the JSON encoded) once per URL: prebuilt bytes are the ceiling's point.
            body = json.dumps(payload).encode() if payload is not None else b""
            head = f"{method} {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            if body:
                head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            req = self._requests[(method, url)] = head.encode() + b"\r\n" + body
        return (host, port, tls), req

    async def _exchange(self, key: tuple[str, int, bool], request: bytes) -> int:
        idle = self._idle.setdefault(key, [])
        conn = idle.pop() if idle else await self._connect(*key)
        n = await conn.exchange(request)
        idle.append(conn)
        return n

    async def get(self, url: str) -> int:
        return await self._exchange(*self._request("GET", url))

    async def post_json(self, url: str, payload: dict[str, Any]) -> int:
        return await self._exchange(*self._request("POST", url, payload))

    async def stream(self, url: str) -> int:
        return await self._exchange(*self._request("GET", url))

    async def close(self) -> None:
        for conn in self._all:
            if conn.transport is not None:
                conn.transport.close()
        self._all.clear()
        self._idle.clear()
        await asyncio.sleep(0)  # let the transports' close callbacks run before the loop stops


def make(target: Target) -> RawAdapter:
    return RawAdapter(target)
