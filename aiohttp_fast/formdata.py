"""HTML-form request bodies (aiohttp's ``FormData``): urlencoded, or multipart with files."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from multidict import MultiDict, MultiDictProxy

from .multipart import MultipartWriter
from .payload import BytesPayload, Payload, guess_filename, payload_for

__all__ = ("FormData",)


def _check_header_text(kind: str, value: str) -> None:
    if "\r" in value or "\n" in value or "\x00" in value:
        raise ValueError(f"Newline or NUL in {kind}: {value!r}")


class FormData:
    """Form fields, sent as ``application/x-www-form-urlencoded`` while they are plain strings,
    as ``multipart/form-data`` once a file, bytes, a filename or a content type is added.

    ``form()`` (calling the object) builds the body; it can be called again.
    """

    def __init__(
        self,
        fields: Iterable[Any] | Mapping[str, Any] = (),
        quote_fields: bool = True,
        charset: str | None = None,
        *,
        default_to_multipart: bool = False,
    ) -> None:
        self._fields: list[tuple[str, str | None, str | None, Any]] = []
        self._is_multipart = default_to_multipart
        self._quote_fields = quote_fields
        self._charset = charset
        if isinstance(fields, Mapping):
            fields = list(fields.items())
        elif not isinstance(fields, (list, tuple)):
            fields = (fields,)
        self.add_fields(*fields)

    @property
    def is_multipart(self) -> bool:
        return self._is_multipart

    def add_field(
        self,
        name: str,
        value: Any,
        *,
        content_type: str | None = None,
        filename: str | None = None,
        content_transfer_encoding: str | None = None,
    ) -> None:
        """Add one field; a file object, bytes, filename or content type makes it multipart."""
        if isinstance(value, io.IOBase):
            self._is_multipart = True
            if filename is None:
                filename = guess_filename(value) or name
        elif isinstance(value, (bytes, bytearray, memoryview)):
            # aiohttp sends bare bytes as a file named after the field.
            if filename is None and content_transfer_encoding is None:
                filename = name
        _check_header_text("field name", name)
        if filename is not None:
            if not isinstance(filename, str):
                raise TypeError(f"filename must be an instance of str. Got: {filename!r}")
            _check_header_text("filename", filename)
            self._is_multipart = True
        if content_type is not None:
            if not isinstance(content_type, str):
                raise TypeError(f"content_type must be an instance of str. Got: {content_type!r}")
            _check_header_text("content type", content_type)
            self._is_multipart = True
        if content_transfer_encoding is not None:
            if not isinstance(content_transfer_encoding, str):
                raise TypeError("content_transfer_encoding must be an instance of str. "
                                f"Got: {content_transfer_encoding!r}")
            self._is_multipart = True
        self._fields.append((name, filename, content_type, value))

    def add_fields(self, *fields: Any) -> None:
        """Add fields given as file objects, ``(name, value)`` pairs, mappings or MultiDicts."""
        pending = list(fields)
        while pending:
            rec = pending.pop(0)
            if isinstance(rec, io.IOBase):
                self.add_field(guess_filename(rec) or "unknown", rec)
            elif isinstance(rec, (MultiDict, MultiDictProxy, Mapping)):
                pending[:0] = list(rec.items())
            elif isinstance(rec, (list, tuple)) and len(rec) == 2:
                self.add_field(rec[0], rec[1])
            else:
                raise TypeError(
                    "Only io.IOBase, multidict and (name, file) pairs allowed, use "
                    f".add_field() for passing more complex parameters, got {rec!r}"
                )

    def _urlencoded(self) -> BytesPayload:
        charset = self._charset or "utf-8"
        content_type = "application/x-www-form-urlencoded"
        if charset != "utf-8":
            content_type += f"; charset={charset}"
        pairs = [(name, value) for name, _, _, value in self._fields]
        return BytesPayload(
            urlencode(pairs, doseq=True, encoding=charset).encode("ascii"),
            content_type=content_type,
        )

    def _multipart(self) -> MultipartWriter:
        writer = MultipartWriter("form-data")
        for name, filename, content_type, value in self._fields:
            try:
                part = payload_for(value, content_type=content_type, encoding=self._charset)
            except TypeError as exc:
                raise TypeError(f"Can not serialize value type: {type(value)!r}, "
                                f"field {name!r}") from exc
            params = {"name": name}
            if filename is not None:
                params["filename"] = filename
            part.set_content_disposition(
                "form-data", quote_fields=self._quote_fields,
                _charset=self._charset or "utf-8", **params,
            )
            writer.append_payload(part)
        return writer

    def __call__(self) -> Payload:
        return self._multipart() if self._is_multipart else self._urlencoded()
