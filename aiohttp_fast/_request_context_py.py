# cython: annotation_typing=False, wraparound=True, boundscheck=True
"""What ``session.get()`` and ``aiohttp_fast.request()`` return (awaitables, context managers)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from .client_response import ClientResponse

__all__ = ("RequestContextManager", "SessionRequestContextManager")

_STOCK_AEXIT = ClientResponse.__aexit__  # a response class that keeps it exits synchronously


class RequestContextManager:
    """What ``session.get()`` returns: awaitable, or an async context manager that releases."""

    __slots__ = ("_coro", "_resp")

    def __init__(self, coro: Any) -> None:
        self._coro = coro
        self._resp: ClientResponse | None = None

    def __await__(self) -> Generator[Any, None, ClientResponse]:
        return self._coro.__await__()

    def send(self, arg: Any) -> Any:
        return self._coro.send(arg)

    def throw(self, *args: Any) -> Any:
        return self._coro.throw(*args)

    def close(self) -> None:
        self._coro.close()

    async def __aenter__(self) -> ClientResponse:
        resp = self._resp = await self._coro
        resp._in_context = True
        return resp

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        resp = self._resp
        if resp is not None:
            if type(resp).__aexit__ is _STOCK_AEXIT:
                resp._exit(exc_type)  # no coroutine needed for the stock response
            else:
                await resp.__aexit__(exc_type, exc, tb)


class SessionRequestContextManager:
    """``async with aiohttp_fast.request(...) as resp``: a one-off session around a request."""

    __slots__ = ("_coro", "_session", "_resp")

    def __init__(self, coro: Any, session: Any) -> None:
        self._coro = coro
        self._session = session
        self._resp: ClientResponse | None = None

    async def __aenter__(self) -> ClientResponse:
        try:
            self._resp = await self._coro
        except BaseException:
            await self._session.close()
            raise
        return self._resp

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if self._resp is not None:
                await self._resp.__aexit__(exc_type, exc, tb)
        finally:
            await self._session.close()
