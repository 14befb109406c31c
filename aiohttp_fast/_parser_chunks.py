"""The chunk-size line of a chunked body, as llhttp reads it: a byte-at-a-time state machine
that keeps no bytes (split out of ``_parser_py``; L1, no I/O)."""

from __future__ import annotations

from typing import Any

from ._parser_grammar import (
    _CS_AFTER_SIZE,
    _CS_DIGITS,
    _CS_FRESH,
    _CS_LF,
    _CS_NAME,
    _CS_QDONE,
    _CS_QPAIR,
    _CS_QUOTED,
    _CS_SEMI,
    _CS_VALUE,
    _HEX_RUN,
    _MAX_U64,
    _QDTEXT_RUN,
    _TOKEN_RUN,
    _run_end,
)
from .http_exceptions import LineTooLong, TransferEncodingError

__all__ = ("ChunkLineParser",)


class ChunkLineParser:
    """Mixin of ``_parser_py.ResponseParser``: reads a chunk-size line with its extensions.

    Uses the parser's ``_cs_state``/``_cs_spans``/``_cs_size`` fields, ``max_line_size``,
    ``_error`` and ``_chunk_start``.
    """

    __slots__ = ()
    _cs_state: int
    _cs_spans: int
    _cs_size: int
    max_line_size: int
    _error: Any
    _chunk_start: Any

    def _chunk_line(self, data: bytes, i: int) -> int:
        """The chunk-size line state machine (llhttp's); -1 when more bytes are needed."""
        end = len(data)
        st = self._cs_state
        spans = self._cs_spans
        limit = self.max_line_size
        while i < end:
            c = data[i]
            if st == _CS_LF:
                if c != 10:
                    self._error(TransferEncodingError, "Expected LF after chunk size", data, i)
                self._chunk_start(self._cs_size)
                return i + 1
            if st <= _CS_DIGITS:
                j = _run_end(_HEX_RUN, data, i)
                if j > i:
                    size = (self._cs_size << (4 * (j - i))) + int(data[i:j], 16)
                    if size > _MAX_U64:
                        size = self._cs_size  # find the digit that overflows, to name it
                        while size <= _MAX_U64:
                            size = size * 16 + int(data[i : i + 1], 16)
                            i += 1
                        self._error(TransferEncodingError, "Chunk size overflow", data, i - 1)
                    self._cs_size = size
                    st = _CS_DIGITS
                    i = j
                    continue
                if st == _CS_FRESH:
                    self._error(TransferEncodingError, "Invalid character in chunk size", data, i)
                st = _CS_AFTER_SIZE
            if c == 13:
                if st in (_CS_SEMI, _CS_QUOTED, _CS_QPAIR):
                    self._error(TransferEncodingError, "Invalid chunk extension", data, i)
                st = _CS_LF
                i += 1
                continue
            if c == 10:
                self._error(TransferEncodingError, "Expected CR before LF after chunk size",
                            data, i)
            if c == 59 and st in (_CS_AFTER_SIZE, _CS_SEMI, _CS_NAME, _CS_VALUE, _CS_QDONE):
                st = _CS_SEMI
                i += 1
                continue
            if st == _CS_SEMI:
                if c == 32:
                    self._error(TransferEncodingError, "Invalid chunk extension", data, i)
                st = _CS_NAME
            if st == _CS_NAME:
                j = _run_end(_TOKEN_RUN, data, i)
                if j == i:
                    if c != 61:  # '='
                        self._error(TransferEncodingError, "Invalid chunk extension name",
                                    data, i)
                    st = _CS_VALUE
                    j += 1
                else:
                    spans += j - i
                i = j
            elif st == _CS_VALUE:
                if c == 34:  # '"'
                    st = _CS_QUOTED
                    spans += 1
                    i += 1
                else:
                    j = _run_end(_TOKEN_RUN, data, i)
                    if j == i:
                        self._error(TransferEncodingError, "Invalid chunk extension value",
                                    data, i)
                    spans += j - i
                    i = j
            elif st == _CS_QUOTED:
                j = _run_end(_QDTEXT_RUN, data, i)
                if j == i:
                    if c == 34:
                        st = _CS_QDONE
                    elif c == 92:  # backslash
                        st = _CS_QPAIR
                    else:
                        self._error(TransferEncodingError, "Invalid chunk extension quoted "
                                    "value", data, i)
                    j += 1
                spans += j - i
                i = j
            elif st == _CS_QPAIR:
                if not (c == 9 or 32 <= c <= 126 or c >= 128):
                    self._error(TransferEncodingError, "Invalid quoted-pair in chunk extension",
                                data, i)
                st = _CS_QUOTED
                spans += 1
                i += 1
            else:  # after the size, or after a quoted value: only ';' or CRLF
                self._error(TransferEncodingError, "Invalid character after chunk size", data, i)
            if spans > limit:
                self._error(LineTooLong, f"Chunk extension is too long (limit {limit})", data, i)
        self._cs_state = st
        self._cs_spans = spans
        return -1
