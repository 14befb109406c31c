"""Fixtures for the response parser twins: ``impl`` gives each parser class in turn.

The C twin (llhttp) is skipped, with the reason, when its extension is not built; the
``test_c_extension_loaded`` test is what makes a missing build fail CI.
"""

from __future__ import annotations

import importlib
import importlib.machinery
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from aiohttp_fast._parser_py import ResponseParser as ResponseParserPy
from aiohttp_fast.http_exceptions import HttpProcessingError
from aiohttp_fast.http_message import ResponseMessage


def load_c_parser() -> tuple[type | None, str]:
    """The compiled parser class, or None and why not."""
    try:
        module = importlib.import_module("aiohttp_fast._parser_c")
    except ImportError as exc:
        return None, f"aiohttp_fast._parser_c is not built ({exc}); run setup.py build_ext"
    path = getattr(module, "__file__", "") or ""
    if not path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
        return None, f"aiohttp_fast._parser_c is not a compiled module ({path})"
    return module.ResponseParser, ""


@pytest.fixture(params=["c", "py"])
def impl(request: pytest.FixtureRequest) -> type:
    """Each response parser implementation in turn (C skipped with a reason if not built)."""
    if request.param == "py":
        return ResponseParserPy
    cls, why = load_c_parser()
    if cls is None:
        pytest.skip(why)
    return cls


@dataclass
class Msg:
    """One parsed message as a test sees it: the head, the joined body, completion."""

    head: ResponseMessage
    body: bytes = b""
    complete: bool = False
    chunks: list[bytes] = field(default_factory=list)
    chunk_ends: list[int] = field(default_factory=list)  # body length at each chunk's end


class Recorder:
    """A ``ResponseParserHandler`` that records every event."""

    def __init__(self) -> None:
        self.messages: list[Msg] = []

    def on_headers(self, message: ResponseMessage) -> None:
        self.messages.append(Msg(message))

    def on_body(self, data: bytes) -> None:
        assert type(data) is bytes and data, "on_body must get non-empty bytes"
        msg = self.messages[-1]
        assert not msg.complete
        msg.chunks.append(data)
        msg.body += data

    def on_message_complete(self) -> None:
        msg = self.messages[-1]
        assert not msg.complete
        msg.complete = True

    def on_chunk_complete(self) -> None:
        msg = self.messages[-1]
        assert not msg.complete and msg.head.chunked
        msg.chunk_ends.append(len(msg.body))


@dataclass
class Outcome:
    """What feeding a whole input gave: messages, and how it ended."""

    messages: list[Msg]
    error: HttpProcessingError | None = None
    tail: bytes | None = None  # bytes after an upgrade head

    @property
    def error_class(self) -> type | None:
        return type(self.error) if self.error is not None else None

    def summary(self) -> tuple[Any, ...]:
        """Everything both twins must agree on (not the error text)."""
        return (
            [
                (
                    m.head.version,
                    m.head.status,
                    m.head.reason,
                    list(m.head.headers.items()),
                    m.head.raw_headers,
                    m.head.should_close,
                    m.head.chunked,
                    m.head.upgrade,
                    m.head.content_length,
                    m.body,
                    m.complete,
                    m.chunk_ends,
                )
                for m in self.messages
            ],
            self.error_class,
            self.tail,
        )


def split_at(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    """``data`` cut at the given offsets (sorted, clamped, duplicates give empty pieces)."""
    pieces = []
    prev = 0
    for cut in sorted(min(max(c, 0), len(data)) for c in cuts):
        pieces.append(data[prev:cut])
        prev = cut
    pieces.append(data[prev:])
    return pieces


def run_parser(
    cls: type,
    pieces: Iterable[bytes],
    *,
    eof: bool = True,
    skip_body: bool = False,
    **limits: int,
) -> Outcome:
    """Feed ``pieces`` (then EOF) to a fresh parser, catching the first HTTP error."""
    rec = Recorder()
    parser = cls(rec, **limits)
    parser.skip_body = skip_body
    out = Outcome(rec.messages)
    pieces = list(pieces)
    try:
        for i, piece in enumerate(pieces):
            if not piece:
                continue
            tail = parser.feed_data(piece)
            if tail is not None:
                # the parser stopped: what it did not parse is the rest of this piece and
                # everything not fed yet
                out.tail = tail + b"".join(pieces[i + 1 :])
                return out
        if eof:
            parser.feed_eof()
    except HttpProcessingError as exc:
        out.error = exc
    return out


def parse(cls: type, data: bytes, **kw: Any) -> Outcome:
    """Feed ``data`` in one piece."""
    return run_parser(cls, [data], **kw)


def parse_bytewise(cls: type, data: bytes, **kw: Any) -> Outcome:
    """Feed ``data`` one byte at a time."""
    return run_parser(cls, [data[i : i + 1] for i in range(len(data))], **kw)
