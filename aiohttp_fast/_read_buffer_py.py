# cython: annotation_typing=False
"""The memory a connection's transport reads into (L2): one buffer per event loop.

A loop runs one callback at a time, so one buffer serves all of its connections: each read's
bytes are parsed (and whatever the parser keeps copied out) before the next read can start.
With TLS this saves an allocation of the SSL layer's maximum read size per read, which is what
made small TLS requests cost twice as much on uvloop; an idle connection holds no buffer of its
own. ``protocol.ResponseHandler`` lends it from ``get_buffer``.
"""

from __future__ import annotations

import asyncio
import weakref

__all__ = ("READ_BUFFER_SIZE", "NESTED_READ_SIZE", "SharedReadBuffer", "shared_read_buffer")

# What one read may take: as much as asyncio's and uvloop's own read size.
READ_BUFFER_SIZE = 256 * 1024
# A read that starts while another is being parsed gets a buffer of its own, this size.
NESTED_READ_SIZE = 64 * 1024


class SharedReadBuffer:
    """One event loop's read buffer and whether a read's bytes in it are being parsed.

    The one exception to "one read at a time": a callback run while parsing (a response's end
    releasing or closing a TLS connection, whose shutdown reads what the SSL layer still holds)
    may start another read before the first is done with the buffer. While ``busy``, that read
    must get a buffer of its own (``NESTED_READ_SIZE``).
    """

    __slots__ = ("view", "busy")

    def __init__(self) -> None:
        self.view = memoryview(bytearray(READ_BUFFER_SIZE))
        self.busy = False


_buffers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SharedReadBuffer] = (
    weakref.WeakKeyDictionary()
)


def shared_read_buffer(loop: asyncio.AbstractEventLoop) -> SharedReadBuffer:
    """``loop``'s read buffer, made at its first connection (and gone with the loop)."""
    shared = _buffers.get(loop)
    if shared is None:
        shared = _buffers[loop] = SharedReadBuffer()
    return shared
