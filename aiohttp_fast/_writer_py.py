# cython: annotation_typing=False
"""Request head serialization (reference implementation; Cython compiles this same file).

``_writer_c`` is this source compiled with the types in ``_writer_c.pxd``, so the two can not
disagree. The hot path builds one ``str`` and encodes it once. Token checks on the method and
header names are cached (programs reuse a handful of names, and only valid tokens enter the
cache), so the only text left to scan for CR/LF/NUL is the target and the values: they are
joined and scanned with three memchr-speed ``in`` tests rather than three tests per value.
Measured (min of repeats, 6 typical headers in a CIMultiDict): compiled ~0.8 us, this Python
~1.3 us, a naive per-value check + f-string join ~2.4 us.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ("serialize_request_head",)

# RFC 9110 section 5.6.2: token = 1*tchar
_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

# Names and methods already proven to be tokens. Bounded so a program that invents header
# names (an attacker-controlled proxy, say) cannot grow it forever.
_VALID_NAMES: set[str] = set()
_VALID_METHODS: set[str] = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
}
_CACHE_LIMIT = 1024

_HTTP11_TAIL = " HTTP/1.1\r\n"
_HTTP10_TAIL = " HTTP/1.0\r\n"


def _check_token(kind: str, value: str) -> None:
    """Raise ValueError unless ``value`` is a non-empty RFC 9110 token."""
    if not value:
        raise ValueError(f"empty {kind}")
    for ch in "\r\n\x00":
        if ch in value:
            raise ValueError(f"{kind} {value!r} contains a forbidden character {ch!r}")
    if _TOKEN_RE.fullmatch(value) is None:
        raise ValueError(f"{kind} {value!r} is not a valid token")


def _check_forbidden(kind: str, value: str) -> None:
    for ch in "\r\n\x00":
        if ch in value:
            raise ValueError(
                f"{kind} {value!r} contains a forbidden character {ch!r} (CRLF injection?)"
            )


def _find_injection(parts: list[Any]) -> None:
    """Slow path, taken only once a check failed: name the field that is at fault.

    ``parts`` is the list the head was joined from: method, " ", target, version, then
    ``name, ": ", value, "\\r\\n"`` per header (re-reading ``headers`` could hit an exhausted
    iterator).
    """
    _check_forbidden("method", parts[0])
    _check_forbidden("request target", parts[2])
    for i in range(4, len(parts) - 1, 4):
        _check_forbidden("header name", parts[i])
        _check_forbidden(f"value of header {parts[i]!r}", parts[i + 2])
    raise AssertionError("unreachable: a forbidden character was counted but not found")


def serialize_request_head(method: str, target: str, version: Any, headers: Any) -> bytes:
    """Serialize ``METHOD target HTTP/x.y``, the header lines and the blank line, UTF-8 encoded.

    ``headers`` is a Mapping (dict, CIMultiDict...) or an iterable of ``(name, value)`` str
    pairs, written in iteration order. Raises ValueError on CR, LF or NUL anywhere (header
    injection), on an empty or non-token method or header name; TypeError on non-str items.
    """
    if method not in _VALID_METHODS:
        _check_token("method", method)
        if len(_VALID_METHODS) < _CACHE_LIMIT:
            _VALID_METHODS.add(method)
    if version == (1, 1):
        tail = _HTTP11_TAIL
    elif version == (1, 0):
        tail = _HTTP10_TAIL
    else:
        tail = f" HTTP/{int(version[0])}.{int(version[1])}\r\n"

    items = headers.items() if hasattr(headers, "items") else headers
    parts: list[Any] = [method, " ", target, tail]
    # Method and names are proven tokens by now (cached only once valid), so only the target
    # and the values can smuggle in a line break: they are scanned together, once, below.
    values: list[Any] = [target]
    for name, value in items:
        if name not in _VALID_NAMES:
            if not isinstance(name, str):
                raise TypeError(f"header name must be str, got {name!r}")
            _check_token("header name", name)
            if len(_VALID_NAMES) >= _CACHE_LIMIT:
                _VALID_NAMES.clear()
            _VALID_NAMES.add(str(name))
        if not isinstance(value, str):
            raise TypeError(f"value of header {name!r} must be str, got {value!r}")
        parts.append(name)
        parts.append(": ")
        parts.append(value)
        parts.append("\r\n")
        values.append(value)
    parts.append("\r\n")
    # "in" is a memchr scan: three of them over the joined values beat checking each value.
    checked = "".join(values)
    if "\r" in checked or "\n" in checked or "\x00" in checked:
        _find_injection(parts)
    return "".join(parts).encode("utf-8")
