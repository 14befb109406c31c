"""Client middlewares (aiohttp 3.12's ``async def mw(req, handler)``) and their chaining (L4)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from .client_request import ClientRequest
from .client_response import ClientResponse

__all__ = ("ClientHandlerType", "ClientMiddlewareType", "build_chain")

ClientHandlerType = Callable[[ClientRequest], Awaitable[ClientResponse]]
ClientMiddlewareType = Callable[[ClientRequest, ClientHandlerType], Awaitable[ClientResponse]]


def build_chain(handler: ClientHandlerType, middlewares: Sequence[Any]) -> ClientHandlerType:
    """Wrap ``handler`` so the first middleware is the outermost."""
    for mw in reversed(middlewares):
        handler = bind_middleware(mw, handler)
    return handler


def bind_middleware(mw: Any, nxt: ClientHandlerType) -> ClientHandlerType:
    async def call(req: ClientRequest) -> ClientResponse:
        return await mw(req, nxt)

    return call
