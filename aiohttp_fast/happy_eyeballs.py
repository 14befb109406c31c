"""Happy Eyeballs (RFC 8305) over addresses the connector already resolved.

The connector resolves names itself (cache, coalescing, traces), so asyncio's own Happy Eyeballs,
which resolves again, does not fit; this is the small staggered race it needs.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterable
from itertools import chain, zip_longest
from typing import Any

from .resolver import ResolveResult

__all__ = (
    "AddrInfo",
    "SocketFactory",
    "addr_infos",
    "interleave_families",
    "staggered_connect",
)

AddrInfo = tuple[int, int, int, str, tuple[Any, ...]]
SocketFactory = Callable[[AddrInfo], socket.socket]


def interleave_families(infos: list[AddrInfo], first_family_count: int) -> list[AddrInfo]:
    """Alternate address families, starting with ``first_family_count`` of the first one."""
    groups: dict[int, list[AddrInfo]] = {}
    for info in infos:
        groups.setdefault(info[0], []).append(info)
    if len(groups) < 2:
        return infos
    lists = list(groups.values())
    head = lists[0][: first_family_count - 1] if first_family_count > 1 else []
    lists[0] = lists[0][len(head) :]
    rest = (i for i in chain.from_iterable(zip_longest(*lists)) if i is not None)
    return head + list(rest)


async def _open_socket(
    loop: asyncio.AbstractEventLoop,
    info: AddrInfo,
    local_addr: tuple[str, int] | None,
    socket_factory: SocketFactory | None,
) -> socket.socket:
    family, type_, proto, _, address = info
    sock = socket_factory(info) if socket_factory else socket.socket(family, type_, proto)
    try:
        sock.setblocking(False)
        if local_addr is not None:
            sock.bind(local_addr)
        await loop.sock_connect(sock, address)
    except BaseException:
        sock.close()
        raise
    return sock


async def staggered_connect(
    loop: asyncio.AbstractEventLoop,
    infos: list[AddrInfo],
    delay: float | None,
    local_addr: tuple[str, int] | None,
    socket_factory: SocketFactory | None,
) -> socket.socket:
    """Happy Eyeballs (RFC 8305) over already resolved addresses.

    Starts one attempt, then another every ``delay`` seconds (at once when one fails) while
    the previous ones go on; the first to connect wins and the others are cancelled.
    ``delay=None`` tries the addresses one after the other.
    """
    errors: list[OSError] = []
    if delay is None or len(infos) == 1:
        for info in infos:
            try:
                return await _open_socket(loop, info, local_addr, socket_factory)
            except OSError as exc:
                errors.append(exc)
        raise _combine(errors)

    remaining = iter(infos)
    running: set[asyncio.Task[socket.socket]] = set()
    winner: socket.socket | None = None
    try:
        nxt = next(remaining, None)
        while True:
            if nxt is not None:
                running.add(loop.create_task(_open_socket(loop, nxt, local_addr, socket_factory)))
                nxt = next(remaining, None)
            if not running:
                break
            done, running = await asyncio.wait(
                running,
                timeout=delay if nxt is not None else None,
                return_when=asyncio.FIRST_COMPLETED,
            )
            for task in done:
                error = task.exception()
                if error is None:
                    if winner is None:
                        winner = task.result()
                    else:  # two connected in the same instant: keep one
                        task.result().close()
                elif isinstance(error, OSError):
                    errors.append(error)
                else:
                    raise error
            if winner is not None:
                return winner
    finally:
        if running:
            for task in running:
                task.cancel()
            await asyncio.wait(running)
            for task in running:
                if not task.cancelled() and task.exception() is None:
                    task.result().close()
    raise _combine(errors)


def _combine(errors: list[OSError]) -> OSError:
    if not errors:
        return OSError("No addresses to connect to")
    if len(errors) == 1 or all(str(e) == str(errors[0]) for e in errors):
        return errors[0]
    return OSError(f"Multiple exceptions: {', '.join(str(e) for e in errors)}")


def addr_infos(hosts: Iterable[ResolveResult]) -> list[AddrInfo]:
    infos: list[AddrInfo] = []
    for h in hosts:
        family = h["family"]
        address: tuple[Any, ...]
        if family == socket.AF_INET6:
            address = (h["host"], h["port"], 0, 0)
        else:
            address = (h["host"], h["port"])
        infos.append((family, socket.SOCK_STREAM, h["proto"], "", address))
    return infos
