"""Fixtures for proxy tests: proxy.py processes, recording target servers and a recording relay.

proxy.py runs once per session in a subprocess (one without auth, one with ``--basic-auth``),
loaded with :class:`RecordingPlugin` so tests can read what the proxy really received. The
target servers (aiohttp.web, plain and TLS with a trustme CA) record what reached them.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

try:  # the plugin base class; only the proxy.py subprocess instantiates the plugin
    from proxy.http.proxy import HttpProxyBasePlugin
except ImportError:  # pragma: no cover - proxy.py not installed: the fixtures skip
    HttpProxyBasePlugin = object  # type: ignore[assignment,misc]

PROXY_USER, PROXY_PASSWORD = "user", "pass"
REPO = Path(__file__).resolve().parents[1]


class RecordingPlugin(HttpProxyBasePlugin):  # type: ignore[misc,valid-type]
    """Runs inside proxy.py: appends every request head it sees to ``$PROXY_RECORD_FILE``.

    One JSON line per request (CONNECT included), after authentication passed.
    """

    def before_upstream_connection(self, request: Any) -> Any:
        url = request._url
        record = {
            "method": (request.method or b"").decode(),
            "host": (request.host or b"").decode(),
            "port": request.port,
            "path": (request.path or b"").decode(),
            # absolute-form ("GET http://h/p") has a scheme and host in its request target
            "absolute": bool(url is not None and url.scheme and url.hostname),
            "tunnel": request.is_https_tunnel,
            "headers": {
                k.decode().lower(): v[1].decode()
                for k, v in (request.headers or {}).items()
            },
        }
        with open(os.environ["PROXY_RECORD_FILE"], "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        return request


@dataclass
class ProxyProcess:
    """A running proxy.py: its URL and what it has received so far."""

    url: str
    host: str
    port: int
    record_file: Path
    auth: tuple[str, str] | None

    def records(self, **match: Any) -> list[dict[str, Any]]:
        """The request heads the proxy saw (after auth), those whose fields equal ``match``."""
        if not self.record_file.exists():
            return []
        out = []
        for line in self.record_file.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if all(rec.get(k) == v for k, v in match.items()):
                out.append(rec)
        return out


def _start_proxy(
    tmp: Path, auth: tuple[str, str] | None, extra: list[str] | None = None
) -> tuple[subprocess.Popen[bytes], Path]:
    tmp.mkdir(parents=True, exist_ok=True)
    port_file = tmp / "port"
    record_file = tmp / "records.jsonl"
    args = [
        sys.executable, "-m", "proxy",
        "--hostname", "127.0.0.1", "--port", "0", "--port-file", str(port_file),
        "--num-workers", "1", "--num-acceptors", "1",
        "--plugins", "tests.fixtures_proxy.RecordingPlugin",
        "--log-level", "WARNING", "--log-file", str(tmp / "proxy.log"),
    ]
    if auth is not None:
        args += ["--basic-auth", f"{auth[0]}:{auth[1]}"]
    args += extra or []
    env = dict(os.environ, PROXY_RECORD_FILE=str(record_file))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        args,
        cwd=tmp,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so _stop can reach its workers
    )
    return proc, port_file


def _stop(proc: subprocess.Popen[bytes]) -> None:
    # proxy.py takes a second or two to shut down gracefully and has worker children: kill the
    # process group it was started in (its own, see _start_proxy), then reap it.
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


def _wait_accepting(proc: subprocess.Popen[bytes], port_file: Path) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"proxy.py exited with {proc.returncode}")
        text = port_file.read_text().strip() if port_file.exists() else ""
        if text.isdigit():
            try:
                socket.create_connection(("127.0.0.1", int(text)), timeout=1).close()
                return int(text)
            except OSError:
                pass
        time.sleep(0.05)  # process start-up: there is no event to await across processes
    raise RuntimeError("proxy.py did not start accepting connections")


@pytest.fixture(scope="session")
def _proxy_processes(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, ProxyProcess]]:
    pytest.importorskip("proxy")
    base = tmp_path_factory.mktemp("proxy")
    started = {}
    # Both start in parallel: start-up of proxy.py dominates the time of this fixture.
    for name, auth in (("plain", None), ("auth", (PROXY_USER, PROXY_PASSWORD))):
        started[name] = (auth, base / name, *_start_proxy(base / name, auth))
    procs = {}
    try:
        for name, (auth, tmp, proc, port_file) in started.items():
            port = _wait_accepting(proc, port_file)
            procs[name] = ProxyProcess(
                f"http://127.0.0.1:{port}", "127.0.0.1", port, tmp / "records.jsonl", auth
            )
        yield procs
    finally:
        for _, _, proc, _ in started.values():
            _stop(proc)


@pytest.fixture
def http_proxy(_proxy_processes: dict[str, ProxyProcess]) -> ProxyProcess:
    """proxy.py without authentication."""
    return _proxy_processes["plain"]


@pytest.fixture
def auth_proxy(_proxy_processes: dict[str, ProxyProcess]) -> ProxyProcess:
    """proxy.py requiring ``Proxy-Authorization: Basic user:pass``."""
    return _proxy_processes["auth"]


@pytest.fixture
def clean_proxy_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No proxy variable of the machine running the tests leaks in; no real ~/.netrc is read."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name in ("NETRC", "REQUEST_METHOD"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NETRC", str(tmp_path / "absent-netrc"))


# ---- TLS material ----


@pytest.fixture(scope="session")
def proxy_tls_ca() -> Any:
    trustme = pytest.importorskip("trustme")
    return trustme.CA()


@pytest.fixture(scope="session")
def proxy_tls_server_context(proxy_tls_ca: Any) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    proxy_tls_ca.issue_cert("localhost", "127.0.0.1").configure_cert(ctx)
    return ctx


@pytest.fixture(scope="session")
def proxy_tls_client_context(proxy_tls_ca: Any) -> ssl.SSLContext:
    """Trusts only the test CA, verifies names: what a careful user would pass as ``ssl=``."""
    ctx = ssl.create_default_context()
    proxy_tls_ca.configure_trust(ctx)
    return ctx


@pytest.fixture(scope="session")
def https_proxy(
    tmp_path_factory: pytest.TempPathFactory, proxy_tls_ca: Any
) -> Iterator[ProxyProcess]:
    """proxy.py listening with TLS (an ``https://`` proxy), its certificate from the test CA."""
    pytest.importorskip("proxy")
    tmp = tmp_path_factory.mktemp("https-proxy")
    cert = proxy_tls_ca.issue_cert("localhost", "127.0.0.1")
    cert.private_key_pem.write_to_path(str(tmp / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(tmp / "cert.pem"))
    extra = ["--key-file", str(tmp / "key.pem"), "--cert-file", str(tmp / "cert.pem")]
    proc, port_file = _start_proxy(tmp, None, extra)
    try:
        port = _wait_accepting(proc, port_file)
        yield ProxyProcess(
            f"https://localhost:{port}", "127.0.0.1", port, tmp / "records.jsonl", None
        )
    finally:
        _stop(proc)


# ---- target servers ----


@dataclass
class TargetServer:
    """An aiohttp.web server on loopback that records the requests reaching it."""

    scheme: str
    host: str
    port: int
    seen: list[dict[str, Any]] = field(default_factory=list)

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"


async def _start_target(scheme: str, ssl_context: ssl.SSLContext | None) -> Any:
    from aiohttp import web  # test peer only: the library never imports aiohttp

    server = TargetServer(scheme, "127.0.0.1", 0)

    async def handler(request: web.Request) -> web.Response:
        body = await request.read()
        server.seen.append(
            {
                "method": request.method,
                "path": request.path_qs,
                "headers": dict(request.headers),
                "body": body,
                "tls": request.secure,
            }
        )
        if "location" in request.query:  # "?location=URL": a redirect to URL
            raise web.HTTPFound(request.query["location"])
        return web.json_response({"path": request.path_qs, "method": request.method})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    server.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return server, runner


@pytest.fixture
async def http_target() -> AsyncIterator[TargetServer]:
    server, runner = await _start_target("http", None)
    yield server
    await runner.cleanup()


@pytest.fixture
async def https_target(proxy_tls_server_context: ssl.SSLContext) -> AsyncIterator[TargetServer]:
    server, runner = await _start_target("https", proxy_tls_server_context)
    yield server
    await runner.cleanup()


@dataclass
class Relay:
    """A TCP relay in front of a target: the bytes a proxy forwarded, as the next hop saw them."""

    host: str
    port: int
    upstream: bytearray = field(default_factory=bytearray)


@pytest.fixture
async def recording_relay(https_target: TargetServer) -> AsyncIterator[Relay]:
    """Forwards to ``https_target``; ``relay.upstream`` collects every byte sent towards it."""
    relay = Relay("127.0.0.1", 0)
    tasks: set[asyncio.Task[None]] = set()

    async def pipe(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, record: bool
    ) -> None:
        try:
            while data := await reader.read(65536):
                if record:
                    relay.upstream += data
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(https_target.host, https_target.port)
        a = asyncio.ensure_future(pipe(reader, up_writer, True))
        b = asyncio.ensure_future(pipe(up_reader, writer, False))
        tasks.update((a, b))
        await asyncio.gather(a, b)

    server = await asyncio.start_server(on_client, "127.0.0.1", 0)
    relay.port = server.sockets[0].getsockname()[1]
    yield relay
    server.close()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await server.wait_closed()
