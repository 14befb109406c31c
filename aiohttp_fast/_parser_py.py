"""The pure-Python HTTP/1.x response parser: the reference twin of ``_parser_c`` (llhttp).

It accepts and rejects exactly what llhttp 9.4 accepts in strict mode (no lenient flag), and
raises the same ``http_exceptions`` classes as the C twin, however the input is split:

* the error that wins is the one at the earliest byte of the stream, so every check is made on
  the bytes already received (a partial line is checked as a *prefix*), and a limit error happens
  at the first byte past the limit;
* the fast path parses a whole buffered head with one ``findall`` over its header block, and
  only when something is off do we walk it line by line to find which error comes first;
* nothing is buffered beyond one line: complete lines are consumed at once, a partial line is
  bounded by the limits (whitespace llhttp does not count is folded away), a line trickling in
  is checked only for its new bytes, and a chunk-size line is a state machine keeping no bytes.

Policy shared with the C twin (beyond llhttp itself): header values lose their trailing
whitespace; 1xx (but 101), 204, 304 and HEAD responses never have a body; a 101 response stops
the parser (``feed_data`` returns the bytes after its head).
"""

from __future__ import annotations

from typing import NoReturn

from multidict import CIMultiDict

from ._parser_chunks import ChunkLineParser
from ._parser_grammar import (
    _BAD_VALUE,
    _CHUNK_RE,
    _CL_RE,
    _CONNECTION_FLAGS,
    _CR_OR_LF,
    _CS_FRESH,
    _DIGITS_WS,
    _F_CHUNKED,
    _F_CLOSE,
    _F_CONN_UPGRADE,
    _F_CONTENT_LENGTH,
    _F_KEEP_ALIVE,
    _F_TRANSFER_ENCODING,
    _F_UPGRADE,
    _HEADER_RE,
    _K_CONNECTION,
    _K_CONTENT_LENGTH,
    _K_GENERAL,
    _K_TRANSFER_ENCODING,
    _MAX_U64,
    _PAIR_RE,
    _PL_NAME,
    _PL_NONE,
    _PL_REASON,
    _PL_VALUE,
    _S_BODY_EOF,
    _S_BODY_LENGTH,
    _S_CHUNK_CRLF,
    _S_CHUNK_DATA,
    _S_CHUNK_SIZE,
    _S_CLOSED,
    _S_DEAD,
    _S_HEAD,
    _S_TRAILERS,
    _S_UPGRADED,
    _SPECIAL,
    _SPECIAL_LENS,
    _STATUS_FIXED_RE,
    _STATUS_PREFIX_RE,
    _STATUS_RE,
    _TOKEN_RUN,
    _VALID_VERSIONS,
    _WS_RUN,
    _run_end,
    _show,
)
from .abc import ResponseParserHandler
from .http_exceptions import (
    BadHttpMessage,
    BadStatusLine,
    ContentLengthError,
    HttpProcessingError,
    InvalidHeader,
    LineTooLong,
    TooManyHeaders,
    TransferEncodingError,
)
from .http_message import HttpVersion, ResponseMessage

__all__ = ("ResponseParser",)

class ResponseParser(ChunkLineParser):
    """Incremental HTTP/1.x response parser calling a ``ResponseParserHandler``.

    Feed it bytes with :meth:`feed_data` (any split) and tell it about the end of the
    connection with :meth:`feed_eof`. Set :attr:`skip_body` while the requests are HEAD.
    """

    def __init__(
        self,
        handler: ResponseParserHandler,
        *,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
    ) -> None:
        self._on_headers = handler.on_headers
        self._on_body = handler.on_body
        self._on_complete = handler.on_message_complete
        self._on_chunk_complete = getattr(handler, "on_chunk_complete", None)
        self.max_line_size = max_line_size
        self.max_field_size = max_field_size
        self.max_headers = max_headers
        self.skip_body = False
        self._state = _S_HEAD
        self._tail = b""  # an unfinished line (head, chunk size, trailer, chunk CRLF)
        self._received = 0  # bytes fed so far
        self._base = 0  # stream offset of the ``data[0]`` being parsed, for error messages
        self._remaining = 0
        self._pl_phase = _PL_NONE  # how far a kept partial header line is checked
        self._pl_len = 0
        self._pl_value = 0
        self._cs_state = _CS_FRESH  # chunk-size line: where we are in it (see _chunk_line)
        self._cs_size = 0
        self._cs_spans = 0  # extension name and value bytes so far (what the limit counts)
        self._reset_message()

    def _reset_message(self) -> None:
        self._started = False  # a byte other than CR/LF of this message has arrived
        self._status_done = False
        self._version = HttpVersion(1, 1)
        self._status = 0
        self._reason = ""
        self._raw: list[tuple[bytes, bytes]] = []
        self._flags = 0
        self._content_length: int | None = None
        self._count = 0  # header (or trailer) lines seen
        self._upgrade = False
        self._skip = False

    # -- public API -------------------------------------------------------------------------

    def feed_data(self, data: bytes, size: int = -1) -> bytes | None:
        """Parse ``data`` (its first ``size`` bytes when ``size`` is not -1); returns the bytes
        after the head of a 101 response, else None."""
        if 0 <= size < len(data):
            data = data[:size]
        state = self._state
        if state >= _S_UPGRADED:
            raise RuntimeError(
                "parser stopped after an upgrade" if state == _S_UPGRADED
                else "parser is dead after an error"
            )
        if not data:
            return None
        if type(data) is not bytes:
            data = bytes(data)
        self._base = self._received - len(self._tail)
        self._received += len(data)
        if self._tail:
            data = self._tail + data
            self._tail = b""
        else:
            self._pl_phase = _PL_NONE  # it described the kept line, and there is none
        try:
            return self._feed(data)
        except BaseException:
            # an HTTP error, or the handler raising: the stream position is lost either way
            self._state = _S_DEAD
            raise

    def body_buffer(self, size: int) -> None:
        """The compiled twin's zero-copy buffer for the next read of a body; this parser copies
        what it is fed anyway, so the protocol reads into its shared buffer instead."""
        return None

    @property
    def idle(self) -> bool:
        """True between messages: no byte of a further message (CR/LF aside) is held."""
        return self._state in (_S_HEAD, _S_CLOSED) and not self._started and not self._tail

    def feed_eof(self) -> None:
        """The connection closed: completes a read-until-close body, or raises if cut short."""
        state = self._state
        if state == _S_UPGRADED:
            return
        if state == _S_DEAD:
            raise RuntimeError("parser is dead after an error")
        self._state = _S_DEAD
        if state == _S_BODY_EOF:
            self._on_complete()
        elif state == _S_BODY_LENGTH:
            raise ContentLengthError(
                f"Not enough data to satisfy content length header: {self._remaining} "
                f"bytes missing at offset {self._received}"
            )
        elif state in (_S_CHUNK_SIZE, _S_CHUNK_DATA, _S_CHUNK_CRLF, _S_TRAILERS):
            raise TransferEncodingError(
                f"Not enough data to satisfy transfer length header at offset {self._received}"
            )
        elif state == _S_HEAD and (self._started or self._tail):
            raise BadHttpMessage(f"Connection closed inside a response head at offset "
                                 f"{self._received}: {_show(self._tail, 0)}")
        # _S_CLOSED, or _S_HEAD between messages: a clean end.
        self._state = state

    # -- the state machine --------------------------------------------------------------------

    def _feed(self, data: bytes) -> bytes | None:
        pos = 0
        end = len(data)
        while pos < end:
            state = self._state
            if state == _S_HEAD:
                pos = self._parse_head(data, pos)
                if pos < 0:  # waiting for more bytes
                    break
                if self._state == _S_UPGRADED:
                    return data[pos:]
            elif state == _S_BODY_LENGTH:
                n = self._remaining
                if end - pos <= n:
                    self._remaining = n - (end - pos)
                    self._on_body(data if pos == 0 else data[pos:])
                    pos = end
                    if self._remaining == 0:
                        self._message_done()
                else:
                    self._on_body(data[pos : pos + n])
                    pos += n
                    self._remaining = 0
                    self._message_done()
            elif state == _S_BODY_EOF:
                self._on_body(data if pos == 0 else data[pos:])
                pos = end
            elif state == _S_CHUNK_DATA:
                n = self._remaining
                if end - pos < n:
                    self._remaining = n - (end - pos)
                    self._on_body(data if pos == 0 else data[pos:])
                    pos = end
                else:
                    self._on_body(data[pos : pos + n])
                    pos += n
                    self._remaining = 0
                    self._state = _S_CHUNK_CRLF
            elif state == _S_CHUNK_CRLF:
                # strict llhttp: exactly CRLF after the chunk data
                if data[pos] != 13:
                    self._error(TransferEncodingError, "Expected CRLF after chunk data", data, pos)
                if pos + 1 == end:
                    self._keep(data, pos)
                    break
                if data[pos + 1] != 10:
                    self._error(TransferEncodingError, "Expected LF after chunk data", data, pos)
                pos += 2
                self._state = _S_CHUNK_SIZE
                if self._on_chunk_complete is not None:
                    self._on_chunk_complete()
            elif state == _S_CHUNK_SIZE:
                pos = self._parse_chunk_size(data, pos)
                if pos < 0:
                    break
            elif state == _S_TRAILERS:
                pos = self._parse_trailers(data, pos)
                if pos < 0:
                    break
            elif state == _S_CLOSED:
                # llhttp skips CR/LF after a closing message but rejects anything else.
                while pos < end and data[pos] in (13, 10):
                    pos += 1
                if pos < end:
                    self._error(BadHttpMessage, "Data after `Connection: close`", data, pos)
            else:  # pragma: no cover - _S_UPGRADED/_S_DEAD return earlier
                raise RuntimeError("parser stopped")
        return None

    def _keep(self, data: bytes, pos: int) -> None:
        """Keep the unfinished line ``data[pos:]`` for the next feed."""
        self._pl_phase = _PL_NONE  # callers that know more about the line say so after
        self._tail = data[pos:]

    def _error(
        self, cls: type[HttpProcessingError], reason: str, data: bytes, pos: int
    ) -> NoReturn:
        raise cls(f"{reason} at offset {self._base + pos}: {_show(data, pos)}")

    # -- the head --------------------------------------------------------------------------

    def _parse_head(self, data: bytes, pos: int) -> int:
        """Consume head lines from ``data[pos:]``; -1 when more bytes are needed."""
        end = len(data)
        if not self._started:
            # llhttp skips any CR/LF before a message.
            while pos < end and data[pos] in (13, 10):
                pos += 1
            if pos == end:
                return -1
            self._started = True
        if not self._status_done:
            eol = data.find(b"\r\n", pos)
            if eol < 0:
                if pos == 0 and self._pl_phase == _PL_REASON and not _CR_OR_LF.search(
                    data, self._pl_len, end
                ):
                    # more of a long reason phrase: only its length is left to check
                    if end - self._pl_value > self.max_line_size:
                        self._error(LineTooLong, "Status line is too long (limit "
                                    f"{self.max_line_size})", data, 0)
                    phase = (_PL_REASON, end, self._pl_value)
                else:
                    self._check_status(data, pos, end, False)
                    fixed = _STATUS_FIXED_RE.match(data, pos, end)
                    phase = (_PL_NONE, 0, 0)
                    if fixed is not None and data[end - 1] != 13:  # a CR must meet its LF
                        phase = (_PL_REASON, end - pos, fixed.end() - pos)
                self._keep(data, pos)
                self._pl_phase, self._pl_len, self._pl_value = phase
                return -1
            m = _STATUS_RE.fullmatch(data, pos, eol)
            if m is None or len(m.group(5) or b"") > self.max_line_size:
                self._check_status(data, pos, eol, True)
                raise AssertionError("unreachable")  # pragma: no cover
            version = HttpVersion(int(m.group(2)), int(m.group(3)))
            if version not in _VALID_VERSIONS:
                self._error(BadStatusLine, "Invalid HTTP version", data, pos)
            self._version = version
            self._status = int(m.group(4))
            reason = m.group(5)
            self._reason = reason.decode("utf-8", "surrogateescape") if reason else ""
            self._status_done = True
            self._pl_phase = _PL_NONE
            pos = eol + 2
            # The whole head is here (the usual case): all header lines at once.
            hend = data.find(b"\r\n\r\n", eol)
            if hend >= 0 and self._header_block(data, pos, hend + 2):
                self._headers_complete()
                return hend + 4
        elif pos == 0:
            # the head came in pieces: the rest of its lines may all be here now
            hend = data.find(b"\r\n\r\n")
            if hend >= 0 and self._header_block(data, 0, hend + 2):
                self._headers_complete()
                return hend + 4
        pos = self._header_lines(data, pos, False)
        if pos < 0:
            return -1
        self._headers_complete()
        return pos

    def _header_block(self, data: bytes, start: int, stop: int) -> bool:
        """Parse the header lines ``data[start:stop]`` (each with its CRLF) in one go.

        False when the block is not plainly valid and within the limits: the caller then takes
        the line-by-line path, which finds the first error exactly."""
        if stop - start > self.max_field_size:
            return False  # (a block within max_field_size has no name or value over it)
        # ``start`` is 0 or just after the status line's LF: the first line is at a line start
        pairs = _PAIR_RE.findall(data, start, stop)
        # every LF ends a matched line: no bare LF, no line that failed to match
        count = self._count + len(pairs)
        if len(pairs) != data.count(b"\n", start, stop) or count > self.max_headers:
            return False
        flags = self._flags
        content_length = self._content_length
        for name, value in pairs:
            if len(name) in _SPECIAL_LENS:
                kind = _SPECIAL.get(name.lower(), _K_GENERAL)
                if kind:
                    now = self._flags
                    if (
                        kind == _K_TRANSFER_ENCODING and now & _F_CONTENT_LENGTH
                        or kind == _K_CONTENT_LENGTH and (
                            not value
                            or now & (_F_CONTENT_LENGTH | _F_TRANSFER_ENCODING)
                            or _CL_RE.fullmatch(value) is None
                            or int(value) > _MAX_U64
                        )
                    ):
                        self._flags = flags  # as before: the line-by-line path starts over
                        self._content_length = content_length
                        return False
                    # the block regex allows only spaces after a value: TE's raw value is
                    # its stripped value as far as "chunked" is concerned
                    self._special(kind, value, value, data, start)
        if self._raw:
            self._raw.extend(pairs)
        else:
            self._raw = pairs
        self._count = count
        return True

    def _header_lines(self, data: bytes, pos: int, trailers: bool) -> int:
        """Header (or trailer) lines up to and including the empty line; -1 to wait."""
        end = len(data)
        raw = self._raw
        max_field = self.max_field_size
        while True:
            eol = data.find(b"\r\n", pos)
            if eol == pos:
                pos += 2
                break
            # A header line is committed only once the byte after it is known: llhttp peeks
            # at it for obsolete line folding, and reports an empty Content-Length only then.
            if eol < 0 or eol + 2 == end:
                if pos == 0 and eol < 0 and self._more_of_line(data, end):
                    phase = (self._pl_phase, end, self._pl_value)
                else:
                    self._check_line(data, pos, end, False)
                    phase = self._note_line(data, pos, end, eol)
                if self._keep_line(data, pos):  # compacted: offsets moved, forget them
                    phase = (_PL_NONE, 0, 0)
                self._pl_phase, self._pl_len, self._pl_value = phase
                return -1
            if data[eol + 2] in (32, 9):
                self._check_line(data, pos, eol, True)
                self._error(InvalidHeader, "Unexpected whitespace after header value",
                            data, eol + 2)
            m = _HEADER_RE.fullmatch(data, pos, eol)
            if m is None:
                self._check_line(data, pos, eol, True)
                raise AssertionError("unreachable")  # pragma: no cover
            name, value = m.group(1, 2)
            if (
                self._count >= self.max_headers
                or len(name) > max_field
                or eol - m.start(2) > max_field  # the span llhttp measures: with trailing OWS
            ):
                self._check_line(data, pos, eol, True)
                raise AssertionError("unreachable")  # pragma: no cover
            self._count += 1
            if len(name) in _SPECIAL_LENS:
                kind = _SPECIAL.get(name.lower(), _K_GENERAL)
                if kind:
                    flags = self._flags
                    if (
                        kind == _K_TRANSFER_ENCODING and flags & _F_CONTENT_LENGTH
                        or kind == _K_CONTENT_LENGTH and value and (
                            flags & (_F_CONTENT_LENGTH | _F_TRANSFER_ENCODING)
                            or _CL_RE.fullmatch(value) is None
                            or int(value) > _MAX_U64
                        )
                    ):
                        self._count -= 1
                        self._check_line(data, pos, eol, True)
                        raise AssertionError("unreachable")  # pragma: no cover
                    self._special(kind, value, data[m.start(2) : eol], data, pos)
            if not trailers:
                raw.append((name, value))
            pos = eol + 2
        return pos

    def _special(self, kind: int, value: bytes, raw_value: bytes, data: bytes, pos: int) -> None:
        """Commit a Connection/Content-Length/Transfer-Encoding/Upgrade value (flags);
        ``raw_value`` is the value as llhttp sees it (trailing whitespace included)."""
        if kind == _K_CONTENT_LENGTH:
            if not value:
                self._error(InvalidHeader, "Empty Content-Length", data, pos)
            self._flags |= _F_CONTENT_LENGTH
            self._content_length = int(value)
        elif kind == _K_TRANSFER_ENCODING:
            if not value:  # llhttp 9.4 ignores an empty Transfer-Encoding
                return
            flags = (self._flags | _F_TRANSFER_ENCODING) & ~_F_CHUNKED
            # chunked only when it is the last coding; llhttp allows spaces after it, not tabs
            last = raw_value.rsplit(b",", 1)[-1].lstrip(b" \t").rstrip(b" ")
            if len(last) == 7 and last.lower() == b"chunked":
                flags |= _F_CHUNKED
            self._flags = flags
        elif kind == _K_CONNECTION:
            for token in value.lower().split(b","):
                self._flags |= _CONNECTION_FLAGS.get(token.strip(b" \t"), 0)
        elif value:  # Upgrade
            self._flags |= _F_UPGRADE

    def _more_of_line(self, data: bytes, end: int) -> bool:
        """The kept partial line got more bytes: check only those when we can (a line that
        trickles in byte by byte must not be re-scanned whole each time). True if done."""
        phase = self._pl_phase
        done = self._pl_len
        if phase == _PL_NAME:
            if _run_end(_TOKEN_RUN, data, done, end) != end:
                return False
            if end > self.max_field_size:
                self._error(LineTooLong, f"Header name is too long (limit {self.max_field_size})",
                            data, 0)
        elif phase == _PL_VALUE:
            if _BAD_VALUE.search(data, done, end) or _CR_OR_LF.search(data, done, end):
                return False
            if end - self._pl_value > self.max_field_size:
                self._error(LineTooLong,
                            f"Header value is too long (limit {self.max_field_size})", data, 0)
        else:
            return False
        return True

    @staticmethod
    def _note_line(data: bytes, pos: int, end: int, eol: int) -> tuple[int, int, int]:
        """How far the partial line ``data[pos:end]`` (just checked) is known to be good:
        (phase, checked length, value start), for _more_of_line on the next feed."""
        none = (_PL_NONE, 0, 0)
        if eol >= 0 or end - pos < 64 or data[end - 1] == 13:
            return none  # short lines (or one waiting for its LF) are simply checked again
        colon = _run_end(_TOKEN_RUN, data, pos, end)
        if colon == end:
            return (_PL_NAME, end - pos, 0)
        name = data[pos:colon]
        if len(name) in _SPECIAL_LENS and _SPECIAL.get(name.lower()) == _K_CONTENT_LENGTH:
            return none
        value = _run_end(_WS_RUN, data, colon + 1, end)
        if value == end:
            return none
        return (_PL_VALUE, end - pos, value - pos)

    def _keep_line(self, data: bytes, pos: int) -> bool:
        """Keep a partial header line; a long run of whitespace before its value (which
        llhttp does not count against any limit) is folded to one byte so it can not grow.
        True when it was folded."""
        self._keep(data, pos)
        tail = self._tail
        if len(tail) < 1024:
            return False
        colon = _run_end(_TOKEN_RUN, tail, 0)
        if colon == len(tail) or tail[colon] != 58:
            return False
        ws = _run_end(_WS_RUN, tail, colon + 1) - colon - 1
        if ws < 2:
            return False
        self._tail = tail[: colon + 2] + tail[colon + 1 + ws :]  # (offsets now approximate)
        return True

    def _check_status(self, data: bytes, pos: int, end: int, complete: bool) -> None:
        """Raise the error of the status line ``data[pos:end]`` (a prefix unless complete)."""
        cut = _CR_OR_LF.search(data, pos, end)
        stop = cut.start() if cut else end
        if cut is None and not complete:
            if _STATUS_PREFIX_RE.fullmatch(data, pos, stop) is None:
                self._error(BadStatusLine, "Invalid status line", data, pos)
            fixed = _STATUS_FIXED_RE.match(data, pos, stop)
            if fixed and stop - fixed.end() > self.max_line_size:
                self._error(LineTooLong, f"Status line is too long (limit {self.max_line_size})",
                            data, pos)
            return
        m = _STATUS_RE.fullmatch(data, pos, stop)
        if m is None or (int(m.group(2)), int(m.group(3))) not in _VALID_VERSIONS:
            self._error(BadStatusLine, "Invalid status line", data, pos)
        if len(m.group(5) or b"") > self.max_line_size:
            self._error(LineTooLong, f"Status line is too long (limit {self.max_line_size})",
                        data, pos)
        if cut is not None and (complete or data[stop] == 10 or stop + 1 < end):
            self._error(BadStatusLine, "Expected CRLF at the end of the status line", data, stop)

    def _check_line(self, data: bytes, pos: int, end: int, complete: bool) -> None:
        """Find the first error in the header line ``data[pos:end]``.

        ``complete``: ``end`` is the line's CRLF. Otherwise the line is what has arrived so far
        and may end in CR or CRLF (the byte after it is yet to come). Checks run in byte order,
        so the error llhttp meets first is the one raised.
        """
        cut = _CR_OR_LF.search(data, pos, end)
        stop = cut.start() if cut else end
        if complete:
            terminated = True
            bad_term = cut is not None
        else:
            terminated = cut is not None
            bad_term = terminated and not (
                stop == end - 1 and data[stop] == 13
                or stop == end - 2 and data[stop] == 13 and data[stop + 1] == 10
            )
        if stop == pos:
            if bad_term:
                self._error(InvalidHeader, "Expected CRLF at the end of the headers", data, pos)
            return
        max_field = self.max_field_size
        if data[pos] in (32, 9):  # obsolete line folding, or a space after the status line
            self._error(InvalidHeader, "Unexpected whitespace at the start of a header line",
                        data, pos)
        colon = _run_end(_TOKEN_RUN, data, pos, stop)
        if colon - pos > max_field:
            self._error(LineTooLong, f"Header name is too long (limit {max_field})", data, pos)
        if colon == stop:
            if terminated:
                self._error(InvalidHeader, "Invalid header name", data, colon)
            return
        if colon == pos or data[colon] != 58:
            self._error(InvalidHeader, "Invalid header token", data, colon)
        if self._count >= self.max_headers:
            self._error(TooManyHeaders, f"Too many headers (limit {self.max_headers})", data, pos)
        name = data[pos:colon]
        kind = _SPECIAL.get(name.lower(), _K_GENERAL) if len(name) in _SPECIAL_LENS else 0
        flags = self._flags
        if kind == _K_TRANSFER_ENCODING and flags & _F_CONTENT_LENGTH:
            self._error(InvalidHeader, "Transfer-Encoding can't be present with Content-Length",
                        data, colon)
        if kind == _K_CONTENT_LENGTH and flags & _F_TRANSFER_ENCODING:
            self._error(InvalidHeader, "Content-Length can't be present with Transfer-Encoding",
                        data, colon)
        start = _run_end(_WS_RUN, data, colon + 1, stop)
        if start == stop:
            if bad_term:
                self._error(InvalidHeader, "Invalid header value char", data, stop)
            return
        if kind == _K_CONTENT_LENGTH:
            if flags & _F_CONTENT_LENGTH:
                self._error(InvalidHeader, "Duplicate Content-Length", data, start)
            m = _DIGITS_WS.match(data, start, stop)
            assert m is not None  # a run of [0-9]* always matches
            digits = m.group(1)
            bad = m.end() if m.end() < stop else -1
            if not digits:
                bad = start
            else:
                significant = digits.lstrip(b"0")
                if len(significant) > 20 or int(significant or b"0") > _MAX_U64:
                    k = 20 if int(significant[:20]) > _MAX_U64 else 21
                    bad = start + (len(digits) - len(significant)) + k - 1
        else:
            m = _BAD_VALUE.search(data, start, stop)
            bad = m.start() if m else -1
        if (bad if bad >= 0 else stop) - start > max_field:
            self._error(LineTooLong, f"Header value is too long (limit {max_field})", data, pos)
        if bad >= 0:
            self._error(InvalidHeader, "Invalid header value char", data, bad)
        if bad_term:
            self._error(InvalidHeader, "Expected CRLF at the end of a header line", data, stop)

    def _headers_complete(self) -> None:
        flags = self._flags
        status = self._status
        # No body for HEAD, 1xx, 204, 304 whatever the headers say (both twins; llhttp is told
        # so through on_headers_complete returning 1, which also makes keep-alive ignore EOF).
        self._skip = skip = (
            self.skip_body or 100 <= status < 200 and status != 101 or status in (204, 304)
        )
        self._upgrade = upgrade = bool(
            flags & _F_UPGRADE and flags & _F_CONN_UPGRADE and status == 101
        )
        raw = tuple(self._raw)
        headers: CIMultiDict[str] = CIMultiDict(
            [(n.decode("utf-8", "surrogateescape"), v.decode("utf-8", "surrogateescape"))
             for n, v in raw]
        )
        chunked = bool(flags & _F_CHUNKED)
        self._on_headers(
            ResponseMessage(
                self._version,
                status,
                self._reason,
                headers,
                raw,
                upgrade or not self._keep_alive(),
                chunked,
                upgrade,
                self._content_length,
            )
        )
        self._count = 0  # trailers are counted on their own
        if status == 101:
            # the rest of the stream is another protocol (llhttp pauses with PAUSED_UPGRADE)
            self._on_complete()
            self._state = _S_UPGRADED
            return
        if skip:
            self._message_done()
        elif chunked:
            self._state = _S_CHUNK_SIZE
        elif flags & _F_TRANSFER_ENCODING:
            self._state = _S_BODY_EOF
        elif not flags & _F_CONTENT_LENGTH:
            if self._needs_eof():
                self._state = _S_BODY_EOF
            else:
                self._message_done()
        elif self._content_length == 0:
            self._message_done()
        else:
            self._remaining = self._content_length or 0
            self._state = _S_BODY_LENGTH

    def _needs_eof(self) -> bool:
        status = self._status
        if status // 100 == 1 or status in (204, 304) or self._skip:
            return False
        flags = self._flags
        if flags & _F_TRANSFER_ENCODING and not flags & _F_CHUNKED:
            return True
        return not flags & (_F_CHUNKED | _F_CONTENT_LENGTH)

    def _keep_alive(self) -> bool:
        major, minor = self._version
        if major > 0 and minor > 0:
            if self._flags & _F_CLOSE:
                return False
        elif not self._flags & _F_KEEP_ALIVE:
            return False
        return not self._needs_eof()

    def _message_done(self) -> None:
        keep_alive = self._keep_alive()
        self._on_complete()
        self._reset_message()
        self._state = _S_HEAD if keep_alive else _S_CLOSED

    # -- chunked bodies ------------------------------------------------------------------------

    def _parse_chunk_size(self, data: bytes, pos: int) -> int:
        if self._cs_state == _CS_FRESH:
            eol = data.find(b"\r\n", pos)
            if eol >= 0:
                m = _CHUNK_RE.fullmatch(data, pos, eol)
                if m is not None and len(m.group(2)) <= self.max_line_size:
                    size = int(m.group(1), 16)
                    if size <= _MAX_U64:
                        self._chunk_start(size)
                        return eol + 2
        # A line split across feeds, a long or an invalid one: walk it, keeping only its
        # state (nothing is buffered, so zeros or extensions can not grow memory).
        return self._chunk_line(data, pos)

    def _chunk_start(self, size: int) -> None:
        self._cs_state = _CS_FRESH
        self._cs_size = 0
        self._cs_spans = 0
        if size:
            self._remaining = size
            self._state = _S_CHUNK_DATA
        else:
            self._state = _S_TRAILERS

    def _parse_trailers(self, data: bytes, pos: int) -> int:
        pos = self._header_lines(data, pos, True)
        if pos < 0:
            return -1
        if self._on_chunk_complete is not None:
            self._on_chunk_complete()  # the last chunk's, as llhttp reports it
        self._message_done()
        return pos

