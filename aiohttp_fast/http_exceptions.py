"""Errors of the wire layer (parser, writer, decoders): one hierarchy shared by both twins.

Both parser implementations raise exactly these classes for the same input, and put the offending
position and bytes in the message so a user can see what the server sent.
"""

from __future__ import annotations

__all__ = (
    "HttpProcessingError",
    "BadHttpMessage",
    "BadStatusLine",
    "InvalidHeader",
    "LineTooLong",
    "TooManyHeaders",
    "PayloadEncodingError",
    "ContentEncodingError",
    "TransferEncodingError",
    "ContentLengthError",
    "DecompressSizeError",
)


class HttpProcessingError(Exception):
    """Base of every error met while turning bytes into HTTP messages (or back)."""

    code = 0
    message = ""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message or self.__class__.__name__


class BadHttpMessage(HttpProcessingError):
    """The response is not valid HTTP/1.x; the connection can not be trusted any more."""

    code = 400


class BadStatusLine(BadHttpMessage):
    """The status line (``HTTP/1.1 200 OK``) is malformed: version, status code or reason."""


class InvalidHeader(BadHttpMessage):
    """A header line is malformed, or its value is invalid (Content-Length, Transfer-Encoding)."""


class LineTooLong(BadHttpMessage):
    """The status line, one header or the trailer section exceeds its configured limit."""


class TooManyHeaders(BadHttpMessage):
    """The response has more header (or trailer) lines than ``max_headers``."""


class PayloadEncodingError(BadHttpMessage):
    """The body framing or encoding is broken."""


class ContentEncodingError(PayloadEncodingError):
    """The body could not be decompressed (gzip, deflate, br, zstd)."""


class TransferEncodingError(PayloadEncodingError):
    """A chunked body is malformed (chunk size, chunk terminator) or ended early."""


class ContentLengthError(PayloadEncodingError):
    """The connection closed before Content-Length bytes of body arrived."""


class DecompressSizeError(PayloadEncodingError):
    """A decompressed body exceeded its size limit."""
