"""ClientTimeout: the timeout policy of a session or a request (aiohttp's fields and meanings)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ("ClientTimeout", "DEFAULT_TIMEOUT", "connect_timeout_of")


@dataclass(frozen=True)
class ClientTimeout:
    """Timeouts in seconds; ``None`` (or 0) disables one.

    - ``total``: the whole operation, connection acquisition, redirects and body read included.
    - ``connect``: acquiring a connection, waiting for a pool slot included.
    - ``sock_connect``: establishing a new connection (TCP + TLS handshake).
    - ``sock_read``: the longest pause between two reads of the response.
    - ``ceil_threshold``: timeouts above this are rounded up to whole seconds so that timer
      handles can be shared (aiohttp's behaviour).
    """

    total: float | None = None
    connect: float | None = None
    sock_read: float | None = None
    sock_connect: float | None = None
    ceil_threshold: float = 5


# aiohttp's default: 5 minutes in total, 30 seconds to establish a connection.
DEFAULT_TIMEOUT = ClientTimeout(total=5 * 60, sock_connect=30)


def connect_timeout_of(timeout: ClientTimeout) -> ClientTimeout:
    """The timeout a session hands its connector: ``total`` also bounds connecting."""
    if timeout.total and (not timeout.connect or timeout.connect > timeout.total):
        return ClientTimeout(
            total=timeout.total,
            connect=timeout.total,
            sock_read=timeout.sock_read,
            sock_connect=timeout.sock_connect,
            ceil_threshold=timeout.ceil_threshold,
        )
    return timeout
