"""CI must never quietly test only the pure-Python twins: every selector's IMPL must be "c",
unless ``AIOHTTP_FAST_NO_EXTENSIONS=1`` asks for pure Python (then it must be "py")."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from aiohttp_fast import http_parser
from aiohttp_fast._compat import NO_EXTENSIONS

# selector module -> the compiled twin it picks
SELECTORS = {
    "http_parser": "_parser_c",
    "http_writer": "_writer_c",
    "cookie_helpers": "_cookie_c",
    "_pool": "_pool_c",
    "connector": "_connector_c",
    "streams": "_streams_c",
    "read_buffer": "_read_buffer_c",
    "protocol": "_protocol_c",
    "client_response": "_client_response_c",
    "client_request": "_client_request_c",
    "client": "_client_c",
    "request_context": "_request_context_c",
    "request_heads": "_request_heads_c",
}


@pytest.mark.parametrize("selector", sorted(SELECTORS))
def test_selector_impl_matches_the_build_switch(selector: str) -> None:
    module = importlib.import_module(f"aiohttp_fast.{selector}")
    if NO_EXTENSIONS:
        assert module.IMPL == "py"
    else:
        assert module.IMPL == "c", (
            f"{SELECTORS[selector]} is not built: run `python setup.py build_ext --inplace`, "
            "or set AIOHTTP_FAST_NO_EXTENSIONS=1 to test the pure-Python build on purpose"
        )


def test_parser_class_comes_from_the_selected_twin() -> None:
    if NO_EXTENSIONS:
        assert http_parser.ResponseParser is http_parser.ResponseParserPy
    else:
        assert http_parser.ResponseParser.__module__ == "aiohttp_fast._parser_c"


def test_streams_names_come_from_one_twin() -> None:
    from aiohttp_fast import streams

    twin = "aiohttp_fast._streams_py" if NO_EXTENSIONS else "aiohttp_fast._streams_c"
    for name in ("StreamReader", "EmptyStreamReader", "EofStream"):
        assert getattr(streams, name).__module__ == twin, name
    assert isinstance(streams.EMPTY_PAYLOAD, streams.EmptyStreamReader)


_PARTIAL_BUILD = r"""
import asyncio, importlib.abc, json, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "aiohttp_fast._streams_c":
            raise ImportError("not built (simulated)")
        return None

sys.meta_path.insert(0, Block())
import aiohttp_fast
from aiohttp_fast import client, client_request, client_response, connector, protocol, streams
from aiohttp_fast import read_buffer, request_heads

async def serve(reader, writer):
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        n = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                n = int(line.split(b":")[1])
        body = await reader.readexactly(n)
        out = head.split(b" ")[0] + b" " + body
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(out), out))

async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    got = []
    async with aiohttp_fast.ClientSession() as session:
        for _ in range(3):
            async with session.get(f"http://127.0.0.1:{port}/") as resp:
                got.append(await resp.text())
            async with session.post(f"http://127.0.0.1:{port}/", json={"a": 1}) as resp:
                got.append(await resp.text())
    server.close()
    modules = (
        streams, protocol, connector, client_response, client_request, client, request_heads,
        read_buffer,
    )
    impls = {m.__name__: m.IMPL for m in modules}
    print(json.dumps({"impls": impls, "got": got}))

asyncio.run(main())
"""


def test_a_missing_twin_takes_its_dependents_with_it(tmp_path) -> None:
    """A partial build (one extension failed to compile): the compiled twins that declare its
    types (cimport) fail to import and fall back to Python; the others stay compiled; requests
    work across the mix."""
    if NO_EXTENSIONS:
        pytest.skip("the pure-Python build has no twins to mix")
    script = tmp_path / "partial.py"
    script.write_text(_PARTIAL_BUILD)
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=True
    )
    result = json.loads(out.stdout)
    assert result["impls"] == {
        "aiohttp_fast.streams": "py",
        "aiohttp_fast.protocol": "py",  # its payload is typed as the compiled StreamReader
        "aiohttp_fast.connector": "py",  # its connections hold the compiled protocol
        "aiohttp_fast.client_response": "py",  # so do its content and connection
        "aiohttp_fast.client_request": "py",  # it drives the compiled protocol
        "aiohttp_fast.client": "py",  # it calls the compiled request and response directly
        "aiohttp_fast.request_heads": "c",  # declares none of them: stays compiled
        "aiohttp_fast.read_buffer": "c",  # the protocol cimports it, not the other way round
    }
    assert result["got"] == ["GET ", 'POST {"a": 1}'] * 3


_WITHOUT_CYTHON = r"""
import asyncio, json, os, sys
sys.modules["cython"] = None  # "import cython" raises ImportError, as where it isn't installed
os.environ["AIOHTTP_FAST_NO_EXTENSIONS"] = "1"
import aiohttp_fast
from aiohttp_fast import _client_py, client

async def serve(reader, writer):
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    await writer.drain()

async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with aiohttp_fast.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/") as resp:
            body = await resp.text()
    server.close()
    print(json.dumps([client.IMPL, _client_py.cython.__name__, resp.status, body]))

asyncio.run(main())
"""


def test_the_python_twins_need_no_cython(tmp_path) -> None:
    """The shared sources' ``import cython`` falls back to a stand-in when Cython is absent."""
    script = tmp_path / "without_cython.py"
    script.write_text(_WITHOUT_CYTHON)
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(out.stdout) == ["py", "aiohttp_fast._cython_shim", 200, "ok"]
