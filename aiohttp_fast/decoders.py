"""Streaming decoders for ``Content-Encoding``: gzip, deflate, br and zstd (sans-I/O).

``decoder_for(header_value)`` returns a :class:`Decoder` or None (identity, or a coding we do not
know: the body is then handed over as received, like aiohttp). Each decoder takes compressed
bytes in any split and returns decompressed bytes; ``max_length`` bounds one call's output, the
rest stays inside the decoder until ``decompress(b"", max_length)`` is called again (see
``needs_input``). gzip and deflate bound memory too (zlib keeps the *input* back); br and zstd
bound only each returned piece, holding the rest of the output. Any corrupt input raises
:class:`ContentEncodingError`; a body cut short is not an error here (framing errors are the
parser's), the decoded prefix is returned.
"""

from __future__ import annotations

import importlib
import zlib
from typing import Any

from .http_exceptions import ContentEncodingError

__all__ = ("ACCEPT_ENCODING", "Decoder", "decoder_for", "SUPPORTED_ENCODINGS")


def _optional(*names: str) -> Any:
    """The first of these modules that imports, or None (an optional codec)."""
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


_brotli: Any = _optional("brotli", "brotlicffi")  # Google's binding first; cffi one for PyPy
_zstd: Any = _optional("zstandard")


class Decoder:
    """One streaming decompressor; subclasses implement ``_feed`` and ``_finish``.

    The base class keeps surplus output when ``max_length`` bounds a call, so every coding
    honours the same contract.
    """

    encoding = ""

    def __init__(self) -> None:
        self._pending = b""  # output produced but not yet returned (max_length)

    @property
    def needs_input(self) -> bool:
        """False while decompressed output is waiting: call ``decompress(b"")`` to get it."""
        return not self._pending

    def decompress(self, data: bytes, max_length: int = -1) -> bytes:
        """Feed ``data``; return at most ``max_length`` bytes (all when ``max_length <= 0``)."""
        out = self._feed(data, max_length) if data or not self._pending else b""
        if self._pending:
            out = self._pending + out
            self._pending = b""
        if 0 < max_length < len(out):
            self._pending = out[max_length:]
            out = out[:max_length]
        return out

    def flush(self) -> bytes:
        """End of body: return whatever output is still held."""
        out = self._pending + self._finish()
        self._pending = b""
        return out

    def _feed(self, data: bytes, max_length: int) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError

    def _finish(self) -> bytes:
        return b""


class _ZlibDecoder(Decoder):
    """gzip (several members allowed, as browsers do) or deflate (zlib-wrapped or raw).

    zlib bounds output natively, so this class keeps *input* back (``unconsumed_tail``, or
    the start of the next gzip member) instead of output.
    """

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self.encoding = encoding
        self._obj: Any = None
        self._input = b""  # input not yet handed to zlib
        self._more = False  # output limit hit exactly: zlib may still hold output
        self._done = False  # the stream ended and what followed was not another gzip member
        if encoding == "gzip":
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)

    @property
    def needs_input(self) -> bool:
        return not self._more and (not self._input or self._obj is None or self._done)

    def _error(self, exc: Exception) -> ContentEncodingError:
        return ContentEncodingError(f"Can not decode content-encoding: {self.encoding} ({exc})")

    def decompress(self, data: bytes, max_length: int = -1) -> bytes:
        buf = self._input + data if self._input else data
        self._input = b""
        self._more = False
        if self._done:
            return b""
        obj = self._obj
        if obj is None:
            # RFC 9110 says "deflate" is the zlib format, but servers send raw deflate too; a
            # zlib stream starts with CMF/FLG: method 8, and the pair a multiple of 31.
            if len(buf) < 2:
                self._input = buf
                return b""
            cmf, flg = buf[0], buf[1]
            wrapped = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
            obj = self._obj = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        limit = max_length if max_length > 0 else 0
        out = b""
        try:
            while True:
                chunk = obj.decompress(buf, limit - len(out) if limit else 0)
                out = out + chunk if out else chunk
                if not obj.eof:
                    # At the end of a stream zlib can leave a stale unconsumed_tail: only
                    # unused_data counts then, so test eof first.
                    if obj.unconsumed_tail:
                        self._input = obj.unconsumed_tail
                    else:
                        self._more = bool(limit) and len(out) >= limit
                    break
                rest = obj.unused_data
                if not rest:
                    break
                if self.encoding != "gzip" or not b"\x1f\x8b".startswith(rest[:2]):
                    # Bytes after the end of the stream: ignored, like browsers do.
                    self._done = True
                    break
                obj = self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
                buf = rest
                if limit and len(out) >= limit:
                    self._input = rest
                    break
        except zlib.error as exc:
            raise self._error(exc) from exc
        return out

    def flush(self) -> bytes:
        if self._obj is None:
            if self._input:
                # A one-byte deflate body is valid in neither format.
                raise ContentEncodingError(
                    f"Can not decode content-encoding: {self.encoding} (truncated)"
                )
            return b""
        out = self.decompress(b"")
        try:
            return out + self._obj.flush()
        except zlib.error as exc:
            raise self._error(exc) from exc


class _BrotliDecoder(Decoder):
    encoding = "br"

    def __init__(self) -> None:
        super().__init__()
        self._obj = _brotli.Decompressor()
        # brotli exposes process(); brotlicffi exposes decompress()
        self._process = getattr(self._obj, "process", None) or self._obj.decompress
        # brotli >= 1.2 bounds its output (a bomb is then inflated step by step); input that
        # arrives while it still holds output waits here
        self._bounded = hasattr(self._obj, "can_accept_more_data")
        self._input = b""
        # the last bounded call filled its limit: brotli may hold more output even when it
        # says it can accept input (only an output below the limit tells it has none)
        self._more = False

    @property
    def needs_input(self) -> bool:
        if self._pending or self._input or self._more:
            return False
        return not self._bounded or self._obj.can_accept_more_data()

    def _feed(self, data: bytes, max_length: int) -> bytes:
        try:
            if not self._bounded:
                return self._process(data)
            if self._input:
                data = self._input + data
                self._input = b""
            obj = self._obj
            if max_length > 0:
                if not obj.can_accept_more_data():
                    self._input = data
                    data = b""
                result = obj.process(data, output_buffer_limit=max_length)
                self._more = len(result) >= max_length
                return result
            self._more = False
            out = []
            while not obj.can_accept_more_data():
                out.append(obj.process(b"", output_buffer_limit=65536))
            out.append(obj.process(data))
            return b"".join(out)
        except _brotli.error as exc:
            raise ContentEncodingError(f"Can not decode content-encoding: br ({exc})") from exc

    def _finish(self) -> bytes:
        if self._bounded:
            return self._feed(b"", -1)
        finish = getattr(self._obj, "finish", None)  # brotlicffi only
        if finish is None:
            return b""
        try:
            return finish()
        except _brotli.error as exc:
            raise ContentEncodingError(f"Can not decode content-encoding: br ({exc})") from exc


class _ZstdDecoder(Decoder):
    encoding = "zstd"

    def __init__(self) -> None:
        super().__init__()
        self._dctx = _zstd.ZstdDecompressor()
        self._obj = self._dctx.decompressobj()

    def _feed(self, data: bytes, max_length: int) -> bytes:
        out = b""
        try:
            while data:
                # A body may hold several frames; a decompressobj decodes only one.
                if self._obj.eof:
                    self._obj = self._dctx.decompressobj()
                out += self._obj.decompress(data)
                data = self._obj.unused_data if self._obj.eof else b""
        except _zstd.ZstdError as exc:
            raise ContentEncodingError(f"Can not decode content-encoding: zstd ({exc})") from exc
        return out


class _ChainDecoder(Decoder):
    """``Content-Encoding: gzip, br``: codings were applied in order, so undo them backwards."""

    def __init__(self, decoders: list[Decoder]) -> None:
        super().__init__()
        self._decoders = decoders
        self.encoding = ", ".join(d.encoding for d in reversed(decoders))

    def _feed(self, data: bytes, max_length: int) -> bytes:
        for d in self._decoders:
            data = d.decompress(data)
        return data

    def _finish(self) -> bytes:
        data = b""
        for d in self._decoders:
            data = d.decompress(data) + d.flush() if data else d.flush()
        return data


_FACTORIES: dict[str, Any] = {
    "gzip": lambda: _ZlibDecoder("gzip"),
    "x-gzip": lambda: _ZlibDecoder("gzip"),
    "deflate": lambda: _ZlibDecoder("deflate"),
}
if _brotli is not None:
    _FACTORIES["br"] = _BrotliDecoder
if _zstd is not None:
    _FACTORIES["zstd"] = _ZstdDecoder

SUPPORTED_ENCODINGS: frozenset[str] = frozenset(_FACTORIES)
ACCEPT_ENCODING: str = "gzip, deflate" + (", br" if _brotli else "") + (", zstd" if _zstd else "")


def decoder_for(content_encoding: str) -> Decoder | None:
    """The decoder for a ``Content-Encoding`` value, or None to pass the body through.

    None for an empty value, ``identity``, or any coding (in a list: any member) we do not
    support, since a partial decode would only garble the body.
    """
    codings = [c.strip().lower() for c in content_encoding.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) == 1:
        factory = _FACTORIES.get(codings[0])
        return factory() if factory is not None else None
    decoders: list[Decoder] = []
    for coding in reversed(codings):
        factory = _FACTORIES.get(coding)
        if factory is None:
            return None
        decoders.append(factory())
    return _ChainDecoder(decoders)
