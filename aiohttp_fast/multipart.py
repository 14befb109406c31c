"""``multipart/*`` request bodies (``MultipartWriter``, aiohttp's API), e.g. file uploads."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

from multidict import CIMultiDict

from .payload import BytesPayload, Payload, PayloadRewindError, payload_for

__all__ = ("MultipartWriter",)

_BOUNDARY_TCHAR = frozenset(
    "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)


class MultipartWriter(Payload):
    """A ``multipart/<subtype>`` body made of parts (each a Payload, possibly nested).

    ``append(obj)`` wraps ``obj`` like ``payload_for`` does; ``size`` is known when every
    part's size is. In-memory parts are written together so a form costs few writes.
    """

    def __init__(self, subtype: str = "mixed", boundary: str | None = None) -> None:
        if boundary is None:
            boundary = os.urandom(16).hex()
        try:
            self._boundary = boundary.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("boundary should contain ASCII only chars") from None
        # RFC 2046 section 5.1.1: 1 to 70 characters, no line breaks.
        if not boundary or len(boundary) > 70 or "\r" in boundary or "\n" in boundary:
            raise ValueError(f"invalid multipart boundary {boundary!r}")
        if _BOUNDARY_TCHAR.issuperset(boundary):
            param = boundary
        else:
            param = '"' + boundary.replace("\\", "\\\\").replace('"', '\\"') + '"'
        super().__init__(None, content_type=f"multipart/{subtype}; boundary={param}")
        self._parts: list[Payload] = []

    @property
    def boundary(self) -> str:
        return self._boundary.decode("ascii")

    def __iter__(self) -> Iterator[Payload]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def __bool__(self) -> bool:
        return True

    def __enter__(self) -> MultipartWriter:
        # aiohttp documents ``with MultipartWriter() as mpwriter:``; nothing to release
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    async def __aenter__(self) -> MultipartWriter:
        return self

    async def __aexit__(self, *exc: object) -> None:
        pass

    def append(
        self, obj: Any, headers: Mapping[str, str] | CIMultiDict[str] | None = None
    ) -> Payload:
        """Add ``obj`` (bytes, str, file, async iterable, Payload) as a part."""
        if isinstance(obj, Payload):
            if headers:
                for name, value in CIMultiDict(headers).items():
                    if name.lower() == "content-type":
                        obj._content_type = value
                    else:
                        obj.headers[name] = value
            return self.append_payload(obj)
        return self.append_payload(payload_for(obj, headers=headers))

    def append_payload(self, payload: Payload) -> Payload:
        """Add an already built part."""
        self._parts.append(payload)
        return payload

    def append_json(
        self, obj: Any, headers: Mapping[str, str] | CIMultiDict[str] | None = None
    ) -> Payload:
        """Add ``json.dumps(obj)`` as an ``application/json`` part."""
        return self.append_payload(BytesPayload(
            json.dumps(obj).encode("utf-8"), content_type="application/json", headers=headers
        ))

    def append_form(
        self, obj: Any, headers: Mapping[str, str] | CIMultiDict[str] | None = None
    ) -> Payload:
        """Add a mapping or pairs as an ``application/x-www-form-urlencoded`` part."""
        items = list(obj.items()) if isinstance(obj, Mapping) else list(obj)
        return self.append_payload(BytesPayload(
            urlencode(items, doseq=True).encode("utf-8"),
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        ))

    def _part_head(self, part: Payload) -> bytes:
        lines = [f"--{self.boundary}", f"Content-Type: {part.content_type}"]
        for name, value in part.headers.items():
            if name.lower() == "content-type":
                continue
            lines.append(f"{name}: {value}")
        text = "\r\n".join(lines) + "\r\n\r\n"
        if text.count("\n") != len(lines) + 1 or "\r\r" in text:
            raise ValueError(f"line break in the headers of a multipart part: {text!r}")
        return text.encode("utf-8")

    @property
    def size(self) -> int | None:
        total = 0
        for part in self._parts:
            size = part.size
            if size is None:
                return None
            total += len(self._part_head(part)) + size + 2
        return total + len(self._boundary) + 6  # b"--" boundary b"--\r\n"

    @property
    def can_rewind(self) -> bool:
        return all(part.can_rewind for part in self._parts)

    def rewind(self) -> None:
        if not self.can_rewind:
            raise PayloadRewindError("a part of this multipart body can not be sent again")
        for part in self._parts:
            part.rewind()

    async def write(self, writer: Any, close_boundary: bool = True) -> None:
        pending: list[Any] = []  # in-memory bytes waiting to go out in one write
        for part in self._parts:
            pending.append(self._part_head(part))
            if type(part) is BytesPayload or isinstance(part, BytesPayload):
                pending.append(part.value)
            else:
                await writer.write(b"".join(pending))
                pending.clear()
                await part.write(writer)
            pending.append(b"\r\n")
        if close_boundary:
            pending.append(b"--" + self._boundary + b"--\r\n")
        if pending:
            await writer.write(b"".join(pending))

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        out = []
        for part in self._parts:
            out.append(self._part_head(part))
            out.append(await part.as_bytes(encoding, errors))
            out.append(b"\r\n")
        out.append(b"--" + self._boundary + b"--\r\n")
        return b"".join(out)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return "".join(
            self._part_head(p).decode() + p.decode(encoding, errors) + "\r\n" for p in self._parts
        ) + f"--{self.boundary}--\r\n"

    async def close(self) -> None:
        for part in self._parts:
            await part.close()
