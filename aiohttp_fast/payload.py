"""Request bodies: what ``data=`` / ``json=`` become before they are written to a connection.

``payload_for(data)`` wraps bytes, str, file objects and async iterables in a :class:`Payload`
that knows its size (None: send chunked), its content type, the extra headers it needs
(Content-Disposition), how to write itself through a ``writer.StreamWriter``, and whether it
can be sent again (``can_rewind`` / ``rewind()``, for redirects 307/308 and retries).
"""

from __future__ import annotations

import asyncio
import io
import json
import mimetypes
import os
import stat
from collections.abc import AsyncIterable, Callable, Mapping
from typing import Any
from urllib.parse import quote

from multidict import CIMultiDict

from . import hdrs

__all__ = (
    "json_body",
    "Payload",
    "BytesPayload",
    "StringPayload",
    "StringIOPayload",
    "JsonPayload",
    "IOBasePayload",
    "BytesIOPayload",
    "BufferedReaderPayload",
    "TextIOPayload",
    "AsyncIterablePayload",
    "PayloadRewindError",
    "payload_for",
    "get_payload",
    "content_disposition_header",
)

READ_SIZE = 2**16  # file bodies are read and sent in 64 KiB pieces

_TCHAR = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_sentinel: Any = object()


class PayloadRewindError(RuntimeError):
    """The body was already (partly) sent and can not be produced again (a one-shot stream)."""


def _is_token(value: str) -> bool:
    return bool(value) and _TCHAR.issuperset(value)


def content_disposition_header(
    disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
) -> str:
    """A MIME ``Content-Disposition`` value: ``form-data; name="x"; filename="y"``.

    With ``quote_fields`` (RFC 7578) a filename is percent-encoded and any other parameter that
    is not plain printable ASCII goes as an RFC 5987 ``name*=utf-8''...`` parameter; without it
    the values are quoted strings, 8-bit as they are.
    """
    if not _is_token(disptype):
        raise ValueError(f"bad content disposition type {disptype!r}")
    value = disptype
    for key, val in params.items():
        if not _is_token(key):
            raise ValueError(f"bad content disposition parameter {key!r}={val!r}")
        if "\r" in val or "\n" in val or "\x00" in val:
            raise ValueError(f"newline or NUL in content disposition parameter {key!r}")
        if quote_fields:
            if key.lower() == "filename":
                value += f'; {key}="{quote(val, "", encoding=_charset)}"'
            elif all(" " <= ch <= "~" for ch in val):
                escaped = val.replace("\\", "\\\\").replace('"', '\\"')
                value += f'; {key}="{escaped}"'
            else:
                value += f"; {key}*={_charset}''{quote(val, '', encoding=_charset)}"
        else:
            escaped = val.replace("\\", "\\\\").replace('"', '\\"')
            value += f'; {key}="{escaped}"'
    return value


class Payload:
    """A request body.

    ``size`` is the byte length or None when unknown (the request is then sent chunked);
    ``content_type`` is the Content-Type to send; ``headers`` holds only the *extra* headers
    the body needs (Content-Disposition...). ``write(writer)`` sends it; ``close()`` releases a
    file it holds.
    """

    _default_content_type = "application/octet-stream"
    _size: int | None = None

    def __init__(
        self,
        value: Any,
        *,
        headers: Mapping[str, str] | CIMultiDict[str] | None = None,
        content_type: str | None = _sentinel,
        filename: str | None = None,
        encoding: str | None = None,
    ) -> None:
        self._value = value
        self._encoding = encoding
        self._filename = filename
        self._headers: CIMultiDict[str] = CIMultiDict(headers or ())
        header_type = self._headers.popall(hdrs.CONTENT_TYPE, None)
        if content_type is not _sentinel and content_type is not None:
            self._content_type = content_type
        elif header_type:
            self._content_type = header_type[-1]
        elif filename is not None:
            guessed = mimetypes.guess_type(filename)[0]
            self._content_type = guessed or self._default_content_type
        else:
            self._content_type = self._default_content_type

    @property
    def size(self) -> int | None:
        """Byte length of the body, or None when it is only known once sent (chunked)."""
        return self._size

    @property
    def content_type(self) -> str:
        return self._content_type

    @property
    def headers(self) -> CIMultiDict[str]:
        """Extra headers the body needs (never Content-Type: see ``content_type``)."""
        return self._headers

    @property
    def filename(self) -> str | None:
        return self._filename

    @property
    def encoding(self) -> str | None:
        return self._encoding

    @property
    def value(self) -> Any:
        return self._value

    @property
    def can_rewind(self) -> bool:
        """True when ``rewind()`` can make the body ready to be sent again."""
        return True

    def rewind(self) -> None:
        """Make the body ready to be written again from its start."""

    def set_content_disposition(
        self, disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
    ) -> None:
        """Set Content-Disposition (multipart parts; an uploaded file)."""
        self._headers[hdrs.CONTENT_DISPOSITION] = content_disposition_header(
            disptype, quote_fields=quote_fields, _charset=_charset, **params
        )

    async def write(self, writer: Any) -> None:  # pragma: no cover - abstract
        """Send the body through ``writer`` (a ``writer.StreamWriter``)."""
        raise NotImplementedError

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """The whole body in memory (one-shot bodies are consumed)."""
        raise NotImplementedError

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        raise NotImplementedError

    async def close(self) -> None:
        """Release what the body holds (an open file); never blocks."""


class BytesPayload(Payload):
    """An in-memory body: bytes, bytearray or memoryview."""

    def __init__(self, value: bytes | bytearray | memoryview, **kwargs: Any) -> None:
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise TypeError(f"value argument must be byte-ish, not {type(value)!r}")
        if isinstance(value, memoryview):
            value = value.cast("B") if value.ndim != 1 or value.itemsize != 1 else value
        super().__init__(value, **kwargs)
        self._size = len(value)

    async def write(self, writer: Any) -> None:
        await writer.write(self._value)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return bytes(self._value)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return bytes(self._value).decode(self._encoding or encoding, errors)


class StringPayload(BytesPayload):
    """Text, encoded with the charset of ``content_type`` (or ``encoding``, default utf-8)."""

    def __init__(
        self,
        value: str,
        *,
        encoding: str | None = None,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if encoding is None:
            encoding = "utf-8"
            if content_type:
                for param in content_type.split(";")[1:]:
                    name, _, val = param.strip().partition("=")
                    if name.lower() == "charset" and val:
                        encoding = val.strip('"')
        if content_type is None:
            content_type = f"text/plain; charset={encoding}"
        super().__init__(
            value.encode(encoding), encoding=encoding, content_type=content_type, **kwargs
        )


class StringIOPayload(StringPayload):
    """An ``io.StringIO``, read whole from its position and encoded once (its size is known)."""

    def __init__(self, value: io.StringIO, **kwargs: Any) -> None:
        super().__init__(value.read(), **kwargs)


class JsonPayload(BytesPayload):
    """``dumps(value)`` as ``application/json``."""

    def __init__(
        self,
        value: Any,
        encoding: str = "utf-8",
        content_type: str = "application/json",
        dumps: Callable[[Any], str] = json.dumps,
        **kwargs: Any,
    ) -> None:
        dumped = dumps(value)
        body = dumped if isinstance(dumped, bytes) else dumped.encode(encoding)
        super().__init__(body, content_type=content_type, encoding=encoding, **kwargs)


class IOBasePayload(Payload):
    """A binary file object, streamed in 64 KiB reads from its current position.

    Reads of real files run in the default executor so a slow disk does not stall the loop.
    ``size`` comes from ``fstat`` (or seeking) when the file allows it. ``close()`` closes
    the file, as aiohttp does.
    """

    def __init__(self, value: Any, disposition: str | None = "attachment", **kwargs: Any) -> None:
        if "filename" not in kwargs:
            kwargs["filename"] = guess_filename(value)
        super().__init__(value, **kwargs)
        self._start: int | None = None
        try:
            if value.seekable():
                self._start = value.tell()
        except (AttributeError, OSError, ValueError):
            pass
        self._size = self._find_size()
        self._fd = self._positional_fd()
        self._started = False
        if self._filename is not None and disposition is not None:
            if hdrs.CONTENT_DISPOSITION not in self._headers:
                self.set_content_disposition(disposition, filename=self._filename)

    def _find_size(self) -> int | None:
        if self._start is None:
            return None
        value = self._value
        try:
            return max(os.fstat(value.fileno()).st_size - self._start, 0)
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            pass
        try:
            end = value.seek(0, os.SEEK_END)
            value.seek(self._start)
            return max(end - self._start, 0)
        except (AttributeError, OSError, ValueError):
            return None

    def _positional_fd(self) -> int | None:
        # A regular file is read with os.pread at offsets we track: a read still running in the
        # executor after a cancelled send can then not move the position a resend starts from.
        if self._start is None or self._size is None or not hasattr(os, "pread"):
            return None
        try:
            fd: int = self._value.fileno()
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            return None
        return fd

    @property
    def can_rewind(self) -> bool:
        if not self._started:
            return True
        return self._start is not None and not getattr(self._value, "closed", False)

    def rewind(self) -> None:
        if not self._started:
            return
        if not self.can_rewind:
            raise PayloadRewindError(f"{type(self._value).__name__} body can not be re-read")
        self._value.seek(self._start)  # type: ignore[arg-type]

    def _read(self, size: int) -> bytes:
        return self._value.read(size)  # type: ignore[no-any-return]

    async def _read_async(self, size: int) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(None, self._read, size)

    async def write(self, writer: Any) -> None:
        self._started = True
        remaining = self._size
        fd = self._fd
        if fd is not None and remaining is not None and self._start is not None:
            loop = asyncio.get_running_loop()
            offset = self._start
            while remaining > 0:
                chunk = await loop.run_in_executor(
                    None, os.pread, fd, min(READ_SIZE, remaining), offset
                )
                if not chunk:
                    break
                offset += len(chunk)
                remaining -= len(chunk)
                await writer.write(chunk)
            return
        while remaining is None or remaining > 0:
            want = READ_SIZE if remaining is None else min(READ_SIZE, remaining)
            chunk = await self._read_async(want)
            if not chunk:
                break
            if isinstance(chunk, str):
                chunk = chunk.encode(self._encoding or "utf-8")
            if remaining is not None:
                remaining -= len(chunk)
            await writer.write(chunk)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        self.rewind()
        self._started = True
        data = await self._read_async(-1)
        return data.encode(self._encoding or encoding) if isinstance(data, str) else data

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        self.rewind()
        self._started = True
        data = self._read(-1)
        return data if isinstance(data, str) else data.decode(encoding, errors)

    async def close(self) -> None:
        try:
            self._value.close()
        except Exception:  # a file that fails to close must not mask the request's outcome
            pass


class BytesIOPayload(IOBasePayload):
    """An ``io.BytesIO``: in memory, so read without the executor; size from its buffer."""

    def _find_size(self) -> int | None:
        if self._start is None:
            return None
        return max(self._value.getbuffer().nbytes - self._start, 0)

    def _positional_fd(self) -> int | None:
        return None

    async def _read_async(self, size: int) -> bytes:
        return self._read(size)


class BufferedReaderPayload(IOBasePayload):
    """A file opened in binary mode (``open(path, "rb")``)."""


class TextIOPayload(IOBasePayload):
    """A text file, encoded as it is read (size unknown: sent chunked)."""

    def __init__(
        self,
        value: Any,
        *,
        encoding: str | None = None,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if encoding is None:
            encoding = getattr(value, "encoding", None) or "utf-8"
        if content_type is None:
            content_type = f"text/plain; charset={encoding}"
        super().__init__(value, encoding=encoding, content_type=content_type, **kwargs)

    def _find_size(self) -> int | None:
        # Characters are not bytes (and newlines may be translated): only sending counts them.
        return None

    def _positional_fd(self) -> int | None:
        return None  # text must go through the decoder


class AsyncIterablePayload(Payload):
    """An async iterable (async generator...) of bytes, streamed chunked; sent only once."""

    def __init__(self, value: AsyncIterable[Any], **kwargs: Any) -> None:
        if not isinstance(value, AsyncIterable):
            raise TypeError(f"value argument must support the async iteration protocol, got "
                            f"{type(value)!r}")
        super().__init__(value, **kwargs)
        self._consumed = False

    @property
    def can_rewind(self) -> bool:
        return not self._consumed

    def rewind(self) -> None:
        if self._consumed:
            raise PayloadRewindError(
                "an async iterable body was already sent and can not be sent again"
            )

    async def write(self, writer: Any) -> None:
        if self._consumed:
            raise PayloadRewindError("an async iterable body can be sent only once")
        self._consumed = True
        async for chunk in self._value:
            if isinstance(chunk, str):
                chunk = chunk.encode(self._encoding or "utf-8")
            if chunk:
                await writer.write(chunk)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        self.rewind()
        self._consumed = True
        parts = []
        async for chunk in self._value:
            parts.append(chunk.encode(encoding) if isinstance(chunk, str) else bytes(chunk))
        return b"".join(parts)

    async def close(self) -> None:
        aclose = getattr(self._value, "aclose", None)
        if aclose is not None and self._consumed:
            try:
                await aclose()
            except Exception:
                pass


def guess_filename(obj: Any) -> str | None:
    name = getattr(obj, "name", None)
    if isinstance(name, (str, os.PathLike)):
        name = os.fspath(name)
        if name and not (name.startswith("<") and name.endswith(">")):
            return os.path.basename(name)
    return None


def payload_for(
    data: Any, *, content_type: str | None = None, encoding: str | None = None, **kwargs: Any
) -> Payload:
    """Wrap ``data`` in the Payload for its type; a Payload passes through. TypeError otherwise."""
    if isinstance(data, Payload):
        return data
    if content_type is not None:
        kwargs["content_type"] = content_type
    if encoding is not None:
        kwargs["encoding"] = encoding
    if isinstance(data, (bytes, bytearray, memoryview)):
        return BytesPayload(data, **kwargs)
    if isinstance(data, str):
        return StringPayload(data, **kwargs)
    if isinstance(data, io.StringIO):
        return StringIOPayload(data, **kwargs)
    if isinstance(data, io.TextIOBase):
        return TextIOPayload(data, **kwargs)
    if isinstance(data, io.BytesIO):
        return BytesIOPayload(data, **kwargs)
    if isinstance(data, (io.BufferedReader, io.BufferedRandom)):
        return BufferedReaderPayload(data, **kwargs)
    if isinstance(data, io.IOBase):
        return IOBasePayload(data, **kwargs)
    if isinstance(data, AsyncIterable):
        iter_any = getattr(data, "iter_any", None)
        if callable(iter_any):
            # A response's StreamReader iterates by lines; relay what arrives instead.
            return AsyncIterablePayload(iter_any(), **kwargs)
        return AsyncIterablePayload(data, **kwargs)
    raise TypeError(f"Unsupported body type {type(data).__name__!r}: pass bytes, str, a file "
                    "object, an async iterable or a Payload")


# aiohttp's name for the same factory
get_payload = payload_for


def json_body(obj: Any, dumps: Callable[[Any], str] = json.dumps) -> bytes:
    """What ``json=`` sends."""
    global _json_encoder
    if dumps is json.dumps and _make_encoder is not None and type(obj) is not str:
        # json.dumps(obj) with its defaults, minus its per-call set-up (argument checks, a
        # closure, an encoder object built per call): the same C encoder, the same output.
        # One encoder is reused while it succeeds; its circular-reference markers are empty
        # after a success, but a failed encode may leave some behind, so it is then dropped.
        encode = _json_encoder
        if encode is None:
            encode = _make_encoder(
                {}, _DEFAULT_ENCODER.default, _encode_ascii, None, ": ", ", ", False, False, True
            )
        _json_encoder = None  # taken: anything encoding meanwhile builds its own
        chunks = encode(obj, 0)
        _json_encoder = encode
        return "".join(chunks).encode("utf-8")
    return dumps(obj).encode("utf-8")


try:
    from _json import make_encoder as _make_encoder
except ImportError:  # pragma: no cover - CPython always has it; another runtime may not
    _make_encoder = None
_DEFAULT_ENCODER = json.JSONEncoder()
_json_encoder: Any = None
_encode_ascii = json.encoder.encode_basestring_ascii
