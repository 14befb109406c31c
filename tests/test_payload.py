"""Request bodies, sent with our StreamWriter to aiohttp.web; asserts what the server decoded."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from multidict import MultiDict

from aiohttp_fast.formdata import FormData
from aiohttp_fast.multipart import MultipartWriter
from aiohttp_fast.payload import (
    AsyncIterablePayload,
    BufferedReaderPayload,
    BytesIOPayload,
    BytesPayload,
    JsonPayload,
    Payload,
    PayloadRewindError,
    StringPayload,
    TextIOPayload,
    content_disposition_header,
    payload_for,
)

from .fixtures_writer import send_payload


async def echo(port: int, payload: Payload) -> dict:
    status, body = await send_payload(port, "/echo", payload)
    assert status == 200, body
    return json.loads(body)


# --- payload_for and simple bodies --------------------------------------------------------


async def test_bytes_like(form_server: int) -> None:
    for data in (b"\x00\xffraw", bytearray(b"\x00\xffraw"), memoryview(b"\x00\xffraw")):
        payload = payload_for(data)
        assert isinstance(payload, BytesPayload)
        assert payload.size == 5
        got = await echo(form_server, payload)
        assert got["body"] == "\x00\xffraw"
        assert got["content_type"] == "application/octet-stream"
        assert got["content_length"] == "5"


async def test_str_is_utf8_text(form_server: int) -> None:
    payload = payload_for("h\u00e9llo \u2603")
    assert isinstance(payload, StringPayload)
    assert payload.content_type == "text/plain; charset=utf-8"
    assert payload.size == len("h\u00e9llo \u2603".encode())
    got = await echo(form_server, payload)
    assert got["body"].encode("latin-1").decode("utf-8") == "h\u00e9llo \u2603"


def test_str_charset_from_content_type() -> None:
    payload = payload_for("\u00e9", content_type="text/html; charset=latin-1")
    assert payload.content_type == "text/html; charset=latin-1"
    assert payload.value == b"\xe9"
    assert payload_for("\u00e9", encoding="utf-16").content_type == "text/plain; charset=utf-16"


async def test_json_payload(form_server: int) -> None:
    payload = JsonPayload({"a": [1, "\u00e9"]})
    got = await echo(form_server, payload)
    assert got["content_type"] == "application/json"
    assert json.loads(got["body"].encode("latin-1")) == {"a": [1, "\u00e9"]}
    custom = JsonPayload({"x": 1}, dumps=lambda v: "CUSTOM")
    assert custom.value == b"CUSTOM"


async def test_bytesio_from_current_position(form_server: int) -> None:
    buf = io.BytesIO(b"skip|payload")
    buf.seek(5)
    payload = payload_for(buf)
    assert isinstance(payload, BytesIOPayload)
    assert payload.size == 7
    got = await echo(form_server, payload)
    assert got["body"] == "payload"
    assert got["content_length"] == "7"


async def test_stringio_becomes_text(form_server: int) -> None:
    payload = payload_for(io.StringIO("caf\u00e9"))
    assert payload.size == 5
    got = await echo(form_server, payload)
    assert got["body"].encode("latin-1") == "caf\u00e9".encode()


async def test_file_streamed_with_size(form_server: int, tmp_path: Path) -> None:
    path = tmp_path / "upload.bin"
    data = bytes(range(256)) * 1000  # several 64 KiB reads
    path.write_bytes(data)
    with open(path, "rb") as fobj:
        payload = payload_for(fobj)
        assert isinstance(payload, BufferedReaderPayload)
        assert payload.size == len(data)
        assert payload.filename == "upload.bin"
        got = await echo(form_server, payload)
        await payload.close()
    assert fobj.closed  # close() releases the file, as aiohttp does
    assert got["body"].encode("latin-1") == data
    assert got["content_length"] == str(len(data))
    assert got["content_disposition"] == 'attachment; filename="upload.bin"'


async def test_text_file_is_chunked(form_server: int, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("line \u00e9\n" * 100, encoding="utf-8")
    with open(path, encoding="utf-8") as fobj:
        payload = payload_for(fobj)
        assert isinstance(payload, TextIOPayload)
        assert payload.size is None
        got = await echo(form_server, payload)
    assert got["transfer_encoding"] == "chunked"
    assert got["body"].encode("latin-1").decode() == "line \u00e9\n" * 100


async def test_async_generator_is_chunked(form_server: int) -> None:
    async def gen() -> AsyncIterator[bytes]:
        for i in range(5):
            yield b"part%d;" % i

    payload = payload_for(gen())
    assert isinstance(payload, AsyncIterablePayload)
    assert payload.size is None
    got = await echo(form_server, payload)
    assert got["transfer_encoding"] == "chunked"
    assert got["body"] == "part0;part1;part2;part3;part4;"


def test_payload_passes_through_and_type_errors() -> None:
    payload = BytesPayload(b"x")
    assert payload_for(payload) is payload
    for bad in (1, 1.5, object(), ["a"], {"a": 1}, None):
        with pytest.raises(TypeError):
            payload_for(bad)


def test_headers_are_extra_only() -> None:
    payload = BytesPayload(b"x", headers={"Content-Type": "a/b", "X-Extra": "1"})
    assert payload.content_type == "a/b"
    assert list(payload.headers.items()) == [("X-Extra", "1")]
    assert payload_for(b"x", content_type="image/png").content_type == "image/png"


# --- rewind -------------------------------------------------------------------------------


async def test_rewind_bytes_and_file(form_server: int, tmp_path: Path) -> None:
    payload = payload_for(b"again")
    for _ in range(2):
        assert payload.can_rewind
        payload.rewind()
        assert (await echo(form_server, payload))["body"] == "again"

    path = tmp_path / "f"
    path.write_bytes(b"0123456789")
    with open(path, "rb") as fobj:
        fobj.seek(3)
        filep = payload_for(fobj)
        assert (await echo(form_server, filep))["body"] == "3456789"
        assert filep.can_rewind
        filep.rewind()
        assert (await echo(form_server, filep))["body"] == "3456789"
        await filep.close()
    assert not filep.can_rewind
    with pytest.raises(PayloadRewindError):
        filep.rewind()


async def test_async_iterable_is_one_shot(form_server: int) -> None:
    async def gen() -> AsyncIterator[bytes]:
        yield b"once"

    payload = payload_for(gen())
    assert payload.can_rewind  # nothing consumed yet
    payload.rewind()
    assert (await echo(form_server, payload))["body"] == "once"
    assert not payload.can_rewind
    with pytest.raises(PayloadRewindError):
        payload.rewind()
    assert issubclass(PayloadRewindError, RuntimeError)


async def test_as_bytes() -> None:
    assert await payload_for(b"ab").as_bytes() == b"ab"
    assert await payload_for(io.BytesIO(b"cd")).as_bytes() == b"cd"

    async def gen() -> AsyncIterator[bytes]:
        yield b"e"
        yield b"f"

    assert await payload_for(gen()).as_bytes() == b"ef"


# --- forms --------------------------------------------------------------------------------


async def test_form_urlencoded_from_dict(form_server: int) -> None:
    form = FormData({"a": "1", "b": "x y&z", "\u00e9": "\u2603"})
    payload = form()
    assert payload.content_type == "application/x-www-form-urlencoded"
    status, body = await send_payload(form_server, "/post", payload)
    assert status == 200
    got = json.loads(body)
    assert got["fields"] == [["a", "1"], ["b", "x y&z"], ["\u00e9", "\u2603"]]


async def test_form_urlencoded_pairs_and_multidict(form_server: int) -> None:
    form = FormData([("k", "1"), ("k", "2")])
    form.add_fields(MultiDict([("m", "3")]), ("n", "4"))
    status, body = await send_payload(form_server, "/post", form())
    assert json.loads(body)["fields"] == [["k", "1"], ["k", "2"], ["m", "3"], ["n", "4"]]


async def test_form_charset(form_server: int) -> None:
    payload = FormData({"f": "\u00e9"}, charset="latin-1")()
    assert payload.content_type == "application/x-www-form-urlencoded; charset=latin-1"
    assert payload.value == b"f=%E9"


async def test_form_multipart_with_files(form_server: int, tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"a,b\n1,2\n")
    form = FormData()
    form.add_field("title", "h\u00e9llo")
    form.add_field("blob", b"\x00\x01", content_type="application/x-thing", filename="b.bin")
    with open(path, "rb") as fobj:
        form.add_field("doc", fobj)
        form.add_field("memo", io.BytesIO(b"in memory"), filename="m\u00e9mo \"q\".txt")
        assert form.is_multipart
        payload = form()
        assert payload.content_type.startswith("multipart/form-data; boundary=")
        assert payload.size is not None
        status, body = await send_payload(form_server, "/post", payload)
        await payload.close()
    assert status == 200, body
    got = json.loads(body)
    assert got["content_length"] == str(payload.size)
    fields = dict((name, value) for name, value in got["fields"])
    assert fields["title"] == "h\u00e9llo"
    assert fields["blob"] == {"filename": "b.bin", "content_type": "application/x-thing",
                              "data": "\x00\x01"}
    assert fields["doc"]["filename"] == "report.csv"
    assert fields["doc"]["data"] == "a,b\n1,2\n"
    # quote_fields percent-encodes filenames exactly as aiohttp's client does; aiohttp's
    # server hands them back as sent
    assert fields["memo"]["data"] == "in memory"
    assert fields["memo"]["filename"] == "m%C3%A9mo%20%22q%22.txt"


async def test_form_multipart_non_ascii_name_uses_rfc5987(form_server: int) -> None:
    form = FormData(default_to_multipart=True)
    form.add_field("n\u00e4me", "v")
    status, body = await send_payload(form_server, "/multipart", form())
    parts = json.loads(body)["parts"]
    assert parts[0]["name"] == "n\u00e4me"
    assert parts[0]["data"] == "v"


async def test_form_bytes_field_is_a_file(form_server: int) -> None:
    form = FormData()
    form.add_field("data", b"bytes here")
    assert form.is_multipart
    status, body = await send_payload(form_server, "/post", form())
    fields = dict(json.loads(body)["fields"])
    assert fields["data"]["filename"] == "data"
    assert fields["data"]["data"] == "bytes here"


async def test_form_multipart_unquoted_utf8_names(form_server: int) -> None:
    form = FormData(quote_fields=False)
    form.add_field("n\u00e4me", "v\u00e4lue")
    form.add_field("f", io.BytesIO(b"1"), filename="\u00fcber.txt")
    status, body = await send_payload(form_server, "/multipart", form())
    assert status == 200, body
    parts = json.loads(body)["parts"]
    assert [(p["name"], p["filename"]) for p in parts] == [
        ("n\u00e4me", None), ("f", "\u00fcber.txt")]
    assert parts[0]["data"].encode("latin-1").decode() == "v\u00e4lue"


async def test_form_multipart_streamed_part_is_chunked(form_server: int) -> None:
    async def gen() -> AsyncIterator[bytes]:
        yield b"streamed "
        yield b"part"

    form = FormData()
    form.add_field("s", gen(), filename="s.txt")
    payload = form()
    assert payload.size is None
    status, body = await send_payload(form_server, "/post", payload)
    assert status == 200, body
    assert dict(json.loads(body)["fields"])["s"]["data"] == "streamed part"


def test_form_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        FormData().add_field("a\r\nb", "v")
    with pytest.raises(ValueError):
        FormData().add_field("a", b"v", filename="x\ny")
    with pytest.raises(TypeError):
        FormData().add_field("a", b"v", filename=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        FormData([object()])
    form = FormData()
    form.add_field("n", 12, content_type="text/plain")
    with pytest.raises(TypeError):
        form()


async def test_form_can_be_built_twice(form_server: int) -> None:
    form = FormData()
    form.add_field("a", b"1", filename="a")
    first, second = form(), form()
    assert first is not second
    for payload in (first, second):
        status, body = await send_payload(form_server, "/post", payload)
        assert dict(json.loads(body)["fields"])["a"]["data"] == "1"


# --- MultipartWriter ----------------------------------------------------------------------


async def test_multipart_mixed_nested(form_server: int) -> None:
    outer = MultipartWriter("mixed", boundary="outer-b")
    outer.append("text part")
    outer.append_json({"k": 1})
    outer.append_form([("a", "1"), ("b", "2")])
    inner = MultipartWriter("related")
    inner.append(b"\x00inner", {"Content-Type": "application/x-inner"})
    outer.append(inner)
    assert outer.content_type == "multipart/mixed; boundary=outer-b"
    payload_size = outer.size
    status, body = await send_payload(form_server, "/multipart", outer)
    assert status == 200, body
    parts = json.loads(body)["parts"]
    assert parts[0]["data"] == "text part"
    assert parts[0]["content_type"] == "text/plain; charset=utf-8"
    assert json.loads(parts[1]["data"]) == {"k": 1}
    assert parts[2]["data"] == "a=1&b=2"
    assert parts[3] == {"nested": [{"name": None, "filename": None,
                                    "content_type": "application/x-inner",
                                    "data": "\x00inner"}]}
    assert payload_size == len(await outer.as_bytes())


def test_multipart_boundary_validation() -> None:
    with pytest.raises(ValueError):
        MultipartWriter(boundary="x" * 71)
    with pytest.raises(ValueError):
        MultipartWriter(boundary="a\r\nb")
    with pytest.raises(ValueError):
        MultipartWriter(boundary="\u00e9")
    quoted = MultipartWriter(boundary="a b")
    assert quoted.content_type == 'multipart/mixed; boundary="a b"'
    assert MultipartWriter().boundary != MultipartWriter().boundary


def test_content_disposition_header() -> None:
    assert content_disposition_header("form-data", name="a") == 'form-data; name="a"'
    assert content_disposition_header("attachment", filename="a b.txt") == (
        'attachment; filename="a%20b.txt"')
    assert content_disposition_header("form-data", name="\u00e9") == (
        "form-data; name*=utf-8''%C3%A9")
    assert content_disposition_header("form-data", quote_fields=False, name='a"b') == (
        'form-data; name="a\\"b"')
    with pytest.raises(ValueError):
        content_disposition_header("bad type")
    with pytest.raises(ValueError):
        content_disposition_header("form-data", name="a\nb")


async def test_pipe_is_streamed_chunked(form_server: int) -> None:
    import os
    import threading

    read_fd, write_fd = os.pipe()

    def feed() -> None:
        with os.fdopen(write_fd, "wb") as out:
            for i in range(3):
                out.write(b"piped%d " % i)

    thread = threading.Thread(target=feed)
    thread.start()
    with os.fdopen(read_fd, "rb") as pipe:
        payload = payload_for(pipe)
        assert payload.size is None  # not seekable: length unknown
        got = await echo(form_server, payload)
        assert not payload.can_rewind
        with pytest.raises(PayloadRewindError):
            payload.rewind()
    thread.join()
    assert got["transfer_encoding"] == "chunked"
    assert got["body"] == "piped0 piped1 piped2 "


async def test_stream_reader_like_is_relayed_by_chunks(form_server: int) -> None:
    class Relay:
        """Shaped like a response's StreamReader: iterates lines, iter_any() by chunks."""

        def __aiter__(self) -> AsyncIterator[bytes]:
            raise AssertionError("line iteration must not be used")

        async def iter_any(self) -> AsyncIterator[bytes]:
            yield b"no\nline"
            yield b" splitting"

    got = await echo(form_server, payload_for(Relay()))
    assert got["body"] == "no\nline splitting"


def test_multipart_writer_sync_context_manager() -> None:
    with MultipartWriter("mixed") as mpwriter:
        mpwriter.append("x")
    assert len(mpwriter) == 1
    assert [p.content_type for p in mpwriter] == ["text/plain; charset=utf-8"]


async def test_file_resend_survives_a_cancelled_send(form_server: int, tmp_path: Path) -> None:
    """A send cancelled mid-file (early response, timeout) then rewound resends it whole."""
    import asyncio

    path = tmp_path / "big.bin"
    data = bytes(range(256)) * 4096  # 1 MiB: many reads
    path.write_bytes(data)

    class Stalling:
        """A writer that blocks on the second chunk, so the send can be cancelled mid-body."""

        def __init__(self) -> None:
            self.chunks = 0
            self.blocked = asyncio.Event()

        async def write(self, chunk: bytes) -> None:
            self.chunks += 1
            if self.chunks == 2:
                self.blocked.set()
                await asyncio.Event().wait()

    with open(path, "rb") as fobj:
        payload = payload_for(fobj)
        stalling = Stalling()
        task = asyncio.create_task(payload.write(stalling))
        await stalling.blocked.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert payload.can_rewind
        payload.rewind()
        got = await echo(form_server, payload)
    assert got["body"].encode("latin-1") == data
