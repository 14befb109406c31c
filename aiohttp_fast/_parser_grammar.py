"""The response grammar of the pure-Python parser: llhttp's character classes, the regexes built
from them, and the state and flag constants ``_parser_py`` runs on (L1, no I/O)."""

from __future__ import annotations

import re

# Character classes exactly as llhttp's (src/llhttp/constants.ts), as regex class bodies.
_TOKEN = rb"!#$%&'*+\-.^_`|~0-9A-Za-z"
_VCHAR = rb"\t\x20-\x7e\x80-\xff"  # HEADER_CHARS: HTAB, SP, VCHAR, obs-text; not DEL
_QDTEXT = rb"\t\x20\x21\x23-\x5b\x5d-\x7e\x80-\xff"

_STATUS_RE = re.compile(rb"(HTTP|RTSP|ICE)/([0-9])\.([0-9]) ([0-9]{3})(?: ([^\r\n]*))?", re.S)
# name, then the value without the whitespace around it (llhttp skips the leading OWS; the
# trailing OWS is part of its span, and both twins strip it, RFC 9110 5.5)
_HEADER_RE = re.compile(
    rb"([%s]+):[ \t]*((?:[\x21-\x7e\x80-\xff](?:[%s]*[\x21-\x7e\x80-\xff])?)?)[ \t]*"
    % (_TOKEN, _VCHAR)
)
_CHUNK_RE = re.compile(
    rb"([0-9A-Fa-f]+)((?:;(?=[^ \r])[%s]*(?:=[%s]*(?:\"(?:[%s]|\\[%s])*\")?)?)*)"
    % (_TOKEN, _TOKEN, _QDTEXT, _VCHAR)
)
_TOKEN_RUN = re.compile(rb"[%s]*" % _TOKEN)
_HEX_RUN = re.compile(rb"[0-9A-Fa-f]*")
_QDTEXT_RUN = re.compile(rb"[%s]*" % _QDTEXT)
_WS_RUN = re.compile(rb"[ \t]*")
_DIGITS_WS = re.compile(rb"([0-9]*)[ \t]*")
_CL_RE = re.compile(rb"[0-9]+")
# One plainly valid header line, anchored at a line start: findall over a header block gives a
# pair per line, and a line that does not match gives none (so the count tells). Only spaces
# after a value here, so Transfer-Encoding's "chunked" test needs no raw value.
_PAIR_RE = re.compile(
    rb"(?m)^([%s]+):[ \t]*([\x21-\x7e\x80-\xff](?:[%s]*[\x21-\x7e\x80-\xff])?|) *\r\n"
    % (_TOKEN, _VCHAR)
)
_BAD_VALUE = re.compile(rb"[^%s]" % _VCHAR)
_CR_OR_LF = re.compile(rb"[\r\n]")

# A partial status line is fine while it is still a prefix of a valid one. llhttp checks the
# version pair right after the minor digit, so "HTTP/3." is still a prefix but "HTTP/3.0" is not.
_AFTER_VERSION = rb"(?: (?:[0-9](?:[0-9](?:[0-9](?: .*)?)?)?)?)?"
_VERSIONS = (
    rb"(?:0(?:\.(?:9%(a)s)?)?|1(?:\.(?:[01]%(a)s)?)?|2(?:\.(?:0%(a)s)?)?|[3-9]\.?)?"
    % {b"a": _AFTER_VERSION}
)
_STATUS_PREFIX_RE = re.compile(
    rb"(?:H(?:T(?:T(?:P(?:/%(v)s)?)?)?)?|R(?:T(?:S(?:P(?:/%(v)s)?)?)?)?|I(?:C(?:E(?:/%(v)s)?)?)?)?"
    % {b"v": _VERSIONS},
    re.S,
)
_STATUS_FIXED_RE = re.compile(rb"(?:HTTP|RTSP|ICE)/[0-9]\.[0-9] [0-9]{3} ")
_VALID_VERSIONS = frozenset({(0, 9), (1, 0), (1, 1), (2, 0)})

_MAX_U64 = (1 << 64) - 1

# llhttp's flags (the ones that decide framing and keep-alive).
_F_KEEP_ALIVE = 1
_F_CLOSE = 2
_F_CONN_UPGRADE = 4
_F_CHUNKED = 8
_F_UPGRADE = 16
_F_CONTENT_LENGTH = 32
_F_TRANSFER_ENCODING = 512

# Header kinds llhttp treats specially (SPECIAL_HEADERS), by lower-cased name.
_K_GENERAL, _K_CONNECTION, _K_CONTENT_LENGTH, _K_TRANSFER_ENCODING, _K_UPGRADE = range(5)
_SPECIAL = {
    b"connection": _K_CONNECTION,
    b"proxy-connection": _K_CONNECTION,
    b"content-length": _K_CONTENT_LENGTH,
    b"transfer-encoding": _K_TRANSFER_ENCODING,
    b"upgrade": _K_UPGRADE,
}
_SPECIAL_LENS = frozenset(len(k) for k in _SPECIAL)
_CONNECTION_FLAGS = {b"close": _F_CLOSE, b"keep-alive": _F_KEEP_ALIVE, b"upgrade": _F_CONN_UPGRADE}

# Parser states.
_S_HEAD = 0  # status line and headers (also: skipping CR/LF before a message)
_S_BODY_LENGTH = 1
_S_BODY_EOF = 2
_S_CHUNK_SIZE = 3
_S_CHUNK_DATA = 4
_S_CHUNK_CRLF = 5
_S_TRAILERS = 6
_S_CLOSED = 7  # after a message that does not keep the connection alive
_S_UPGRADED = 8
_S_DEAD = 9

# What is known of a kept partial header line (see _more_of_line).
_PL_NONE = 0
_PL_NAME = 1  # all name bytes so far
_PL_VALUE = 2  # in the value of a header whose value is only checked for its bytes
_PL_REASON = 3  # in the reason phrase of the status line

# Chunk-size line states (llhttp's chunk_size / chunk_extension_* nodes).
_CS_FRESH = 0  # nothing yet: a hex digit must come
_CS_DIGITS = 1
_CS_AFTER_SIZE = 2  # only ';' or CR
_CS_SEMI = 3  # just after ';': not SP, not CR
_CS_NAME = 4
_CS_VALUE = 5
_CS_QUOTED = 6
_CS_QPAIR = 7
_CS_QDONE = 8
_CS_LF = 9  # CR seen, LF must follow


def _run_end(pattern: re.Pattern[bytes], data: bytes, pos: int, end: int | None = None) -> int:
    """Where a run of ``pattern`` (a ``[...]*`` class, so it always matches) starting at
    ``pos`` ends."""
    m = pattern.match(data, pos) if end is None else pattern.match(data, pos, end)
    return m.end() if m is not None else pos


def _show(data: bytes, start: int, width: int = 40) -> str:
    return repr(bytes(data[max(0, start - 8) : start + width]))
