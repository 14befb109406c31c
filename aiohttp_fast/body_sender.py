"""A request body's slower ways out (L4): streamed payloads, and bodies waiting for a go-ahead.

``ClientRequest.send`` writes an in-memory body itself, with its head. What needs a task of its
own comes here: ``send_stream`` writes a payload through a ``StreamWriter`` (chunked unless its
size is known, compressed when asked), ``send_after_continue`` first waits for the server's
"100 Continue". Both keep the request's ``UploadTracker`` (if any) told on every path, errors
and cancellation included: each attempt ends in exactly one ``_finished`` or ``_failed``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from .tracing import wants
from .writer import StreamWriter

__all__ = ("drained", "report_written", "send_after_continue", "send_stream", "write_error")


def write_error(exc: BaseException) -> BaseException | None:
    """What an UploadTracker is told stopped a body: None when it was cut off (cancelled)."""
    return None if isinstance(exc, asyncio.CancelledError) else exc


def report_written(req: Any, tracker: Any, attempt: int, wire_end: int) -> None:
    """Tell ``tracker`` that ``req``'s in-memory body was handed over, ending at ``wire_end``;
    it counts the body as given (before compression)."""
    if req.compress and tracker._body_size is not None:
        size = tracker._body_size
    else:
        size = len(req.body) if req.body is not None else 0
    tracker._wrote(attempt, size, wire_end)


async def drained(protocol: Any, tracker: Any, attempt: int) -> None:
    """Wait until the protocol's write buffer is low again; ``tracker`` (if any) hears of an
    error or cancellation meanwhile."""
    try:
        await protocol._drain_helper()
    except BaseException as exc:
        if tracker is not None:
            tracker._failed(attempt, write_error(exc))
        raise


async def send_after_continue(req: Any, protocol: Any, attempt: int, head_size: int) -> None:
    """The body of an ``Expect: 100-continue`` request, once the server says go; nothing if
    it answered first."""
    waiter = protocol.continue_waiter
    tracker = req._upload_tracker
    if waiter is not None:
        go = await waiter
        if not go:
            if tracker is not None:
                tracker._failed(attempt, None)  # answered without asking for the body
            protocol.request_sent()
            return
    if req._stream is not None:
        await send_stream(req, protocol, attempt, head_size)
        return
    body = req._wire_body()
    if body:
        if tracker is not None:
            tracker._writing(attempt, protocol.transport, head_size)
        protocol.transport.write(body)
        if tracker is not None:
            report_written(req, tracker, attempt, head_size + len(body))
        req._body_sent = True
        await drained(protocol, tracker, attempt)
    if tracker is not None:
        tracker._finished(attempt)
    protocol.request_sent()


async def send_stream(req: Any, protocol: Any, attempt: int, head_size: int) -> None:
    """Send ``req``'s payload body: chunked unless its size is known, compressed if asked."""
    stream = req._stream
    req._body_sent = True
    traces = req._traces
    on_chunk = None
    if traces and wants(traces, "request_chunk_sent"):
        method, url = req.method, req.url

        async def on_chunk(chunk: bytes) -> None:
            for trace in traces:
                await trace.send_request_chunk_sent(method, url, chunk)

    writer = StreamWriter(protocol, protocol._loop, on_chunk_sent=on_chunk)
    if req._is_chunked():
        writer.enable_chunking()
    if req._compress_stream is not None:
        writer.enable_compression(req._compress_stream)
    tracker = req._upload_tracker
    if tracker is not None:
        tracker._writing(attempt, protocol.transport, head_size)
        writer.on_body_write = lambda size, output: tracker._wrote(
            attempt, size, head_size + output
        )
    try:
        await stream.write(writer)
        await writer.write_eof()
    except BaseException as exc:
        if tracker is not None:
            tracker._failed(attempt, write_error(exc))
        raise
    if tracker is not None:
        tracker._finished(attempt)
    protocol.request_sent()
