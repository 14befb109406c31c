"""The benchmark's server: nginx when it can be had, else an embedded uvloop server.

Both serve the same routes on 127.0.0.1 (plain HTTP and TLS on two ports), pinned to one core:

  /small    11-byte body "hello world"
  /headers  the same body with ~1.1 KiB of response headers
  /big      a 64 MiB file (generated into the work dir)
  /post     reads and discards a request body, answers "ok"

``python benchmarks/server.py serve ...`` runs the embedded server (``run.py`` starts it).
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BIG_SIZE = 64 * 1024 * 1024
# 15 custom headers of 68 bytes each on the wire, plus the ~150 bytes every response carries
# (Server, Date, Content-Type, Content-Length, Connection): about 1.1 KiB of head in total.
EXTRA_HEADERS: list[tuple[str, str]] = [
    (f"X-Bench-Header-{i:02d}", (f"value-{i:02d}-" + "abcdefghijklmnopqrstuvwxyz0123456789")[:50])
    for i in range(15)
]
HOSTS_MARK = "# aiohttp_fast benchmark S7"


@dataclass
class ServerInfo:
    kind: str  # "nginx" or "embedded"
    version: str
    http_port: int
    https_port: int
    ca_path: str
    host_bases: list[str]
    notes: list[str] = field(default_factory=list)


def free_port(addr: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((addr, 0))
        return int(s.getsockname()[1])


def wait_listening(port: int, timeout: float = 15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def prepare_files(work: Path) -> tuple[Path, Path, Path]:
    """Write /big and the TLS material; returns (ca.pem, server chain, server key)."""
    www = work / "www"
    www.mkdir(exist_ok=True)
    big = www / "big"
    if not big.exists() or big.stat().st_size != BIG_SIZE:
        block = os.urandom(1024 * 1024)  # incompressible, in case anything on the way compresses
        with big.open("wb") as f:
            for _ in range(BIG_SIZE // len(block)):
                f.write(block)
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_path, chain, key = work / "ca.pem", work / "server.pem", work / "server.key"
    ca.cert_pem.write_to_path(str(ca_path))
    cert.private_key_pem.write_to_path(str(key))
    with chain.open("wb") as f:
        for blob in cert.cert_chain_pems:
            f.write(blob.bytes())
    # nginx's workers may run as another user; everything they serve must be readable.
    for p in (work, www):
        p.chmod(0o755)
    for p in (big, ca_path, chain, key):
        p.chmod(0o644)
    return ca_path, chain, key


def prepare_hosts(n: int) -> tuple[list[str], list[str], str]:
    """Pick n host names for S7; returns (names, extra listen addresses, how it was done).

    Nothing here resolves ``*.localhost`` by itself (no nss-myhostname), so names are appended to
    /etc/hosts once, each line marked, only if missing: names under ``.localhost`` are reserved
    for loopback (RFC 6761) and can't shadow a real host. Where /etc/hosts is read-only, fall
    back to distinct loopback addresses 127.0.0.2.. (the server then listens on those too).
    """
    names = [f"bench-host{i}.localhost" for i in range(1, n + 1)]

    def resolves(name: str) -> bool:
        try:
            return all(i[4][0] == "127.0.0.1" for i in socket.getaddrinfo(name, 80, type=1))
        except OSError:
            return False

    if all(resolves(h) for h in names):
        return names, [], "host names already resolve to 127.0.0.1"
    try:
        text = Path("/etc/hosts").read_text()
        present = {ln.split()[1] for ln in text.splitlines() if HOSTS_MARK in ln}
        missing = [h for h in names if h not in present]
        if missing:
            with open("/etc/hosts", "a") as f:
                if text and not text.endswith("\n"):
                    f.write("\n")
                f.writelines(f"127.0.0.1 {h} {HOSTS_MARK}\n" for h in missing)
        if all(resolves(h) for h in names):
            return names, [], f"{n} names bench-hostN.localhost -> 127.0.0.1 in /etc/hosts"
    except OSError:
        pass
    addrs = [f"127.0.0.{i + 1}" for i in range(1, n + 1)]
    return addrs, addrs, f"{n} loopback addresses 127.0.0.2-{n + 1} (/etc/hosts not writable)"


# --------------------------------------------------------------------------------------- nginx


def find_nginx(install: bool) -> str | None:
    for cand in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if cand and os.access(cand, os.X_OK):
            return cand
    if not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for pkgs in (["nginx-light"], ["nginx"]):
        for update_first in (False, True):
            if update_first:
                subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=300)
            r = subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *pkgs],
                               env=env, capture_output=True, timeout=600)
            if r.returncode == 0 and os.access("/usr/sbin/nginx", os.X_OK):
                return "/usr/sbin/nginx"
    return None


def nginx_config(work: Path, http_port: int, https_port: int, chain: Path, key: Path,
                 extra_addrs: list[str], cpu: int | None) -> str:
    headers = "\n".join(f'            add_header {k} "{v}";' for k, v in EXTRA_HEADERS)
    listens = "\n".join(f"        listen {a}:{http_port};" for a in extra_addrs)
    # worker_cpu_affinity takes a bit mask whose rightmost bit is CPU 0.
    affinity = f"worker_cpu_affinity {'1' + '0' * cpu};" if cpu is not None else ""
    user = pwd.getpwuid(os.geteuid()).pw_name
    routes = f"""
        root {work}/www;
        location = /small {{ return 200 "hello world"; }}
        location = /headers {{
{headers}
            return 200 "hello world";
        }}
        location = /big {{ default_type application/octet-stream; }}
        # `return` reads and discards the request body before answering (ngx_http_send_response
        # calls ngx_http_discard_request_body), so keep-alive stays in step; run.py checks it
        # with pipelined POSTs before measuring.
        location = /post {{ return 200 "ok"; }}"""
    return f"""
user {user};
worker_processes 1;
{affinity}
worker_rlimit_nofile 16384;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
daemon off;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    default_type text/plain;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    client_body_temp_path {work}/tmp-body;
    proxy_temp_path {work}/tmp-proxy;
    fastcgi_temp_path {work}/tmp-fastcgi;
    uwsgi_temp_path {work}/tmp-uwsgi;
    scgi_temp_path {work}/tmp-scgi;
    server {{
        listen 127.0.0.1:{http_port};
{listens}
{routes}
    }}
    server {{
        listen 127.0.0.1:{https_port} ssl;
        ssl_certificate {chain};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
{routes}
    }}
}}
"""


class BenchServer:
    """Starts the server in ``start()``, stops it (by pid) in ``stop()``; use as a context."""

    def __init__(self, kind: str, work: Path, cpu: int = 1, hosts: int = 50) -> None:
        # Pinned only where that core exists (a 1-core machine runs everything unpinned).
        usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
        self.cpu = cpu if cpu in usable and len(usable) > 1 else None
        self.kind, self.work, self.hosts = kind, work, hosts
        self._proc: subprocess.Popen[bytes] | None = None
        self.info: ServerInfo | None = None

    def __enter__(self) -> ServerInfo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> ServerInfo:
        ca, chain, key = prepare_files(self.work)
        names, extra_addrs, host_note = prepare_hosts(self.hosts)
        http_port, https_port = free_port(), free_port()
        notes = [f"S7: {host_note}"]
        nginx = find_nginx(install=True) if self.kind in ("auto", "nginx") else None
        if nginx:
            info = self._start_nginx(nginx, http_port, https_port, chain, key, extra_addrs)
            if info is None and self.kind == "nginx":
                raise RuntimeError(f"nginx failed to start; see {self.work}/error.log")
            if info is None:
                notes.append("nginx failed to start; fell back to the embedded server")
        else:
            if self.kind == "nginx":
                raise RuntimeError("nginx is not installed and could not be installed")
            info = None
            if self.kind == "auto":
                notes.append("nginx unavailable; using the embedded server")
        if info is None:
            info = self._start_embedded(http_port, https_port, chain, key, extra_addrs)
        info.notes = notes
        info.ca_path = str(ca)
        info.host_bases = [f"http://{h}:{http_port}" for h in names]
        self.info = info
        return info

    def _start_nginx(self, exe: str, http_port: int, https_port: int, chain: Path, key: Path,
                     extra_addrs: list[str]) -> ServerInfo | None:
        conf = self.work / "nginx.conf"
        conf.write_text(nginx_config(self.work, http_port, https_port, chain, key,
                                     extra_addrs, self.cpu))
        version = subprocess.run([exe, "-v"], capture_output=True, text=True).stderr.strip()
        # daemon off: nginx stays our child so it can be waited for; stop() still signals
        # the pid nginx wrote, as that is the master whatever happens to the Popen handle.
        self._proc = subprocess.Popen(
            [exe, "-p", str(self.work), "-e", str(self.work / "error.log"), "-c", str(conf)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if not (wait_listening(http_port) and wait_listening(https_port)):
            self.stop()
            return None
        return ServerInfo("nginx", version.replace("nginx version: ", ""), http_port, https_port,
                          "", [])

    def _start_embedded(self, http_port: int, https_port: int, chain: Path, key: Path,
                        extra_addrs: list[str]) -> ServerInfo:
        cmd = [sys.executable, str(Path(__file__).resolve()), "serve", "--dir", str(self.work),
               "--http-port", str(http_port), "--https-port", str(https_port),
               "--cert", str(chain), "--key", str(key)]
        if self.cpu is not None:
            cmd += ["--cpu", str(self.cpu)]
        if extra_addrs:
            cmd += ["--extra-addrs", ",".join(extra_addrs)]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        if not (wait_listening(http_port) and wait_listening(https_port)):
            self.stop()
            raise RuntimeError("the embedded server did not start")
        try:
            import uvloop

            version = f"uvloop {uvloop.__version__}"
        except ImportError:
            version = "asyncio"
        return ServerInfo("embedded", version, http_port, https_port, "", [])

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        pid = proc.pid
        pidfile = self.work / "nginx.pid"
        if pidfile.exists():
            try:
                pid = int(pidfile.read_text().split()[0])
            except (ValueError, IndexError):
                pass
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


# ------------------------------------------------------------------------- embedded server


class _Routes:
    """Prebuilt responses, so the embedded server costs as little per request as it can."""

    def __init__(self, big_path: Path) -> None:
        self.big = big_path.read_bytes()
        self._date = ""
        self._date_at = 0.0
        self._cache: dict[str, bytes] = {}

    def _head(self, length: int, ctype: str, extra: str = "") -> bytes:
        now = time.time()
        if now - self._date_at >= 1.0:
            self._date_at = now
            self._date = email.utils.formatdate(now, usegmt=True)
            self._cache.clear()
        return (f"HTTP/1.1 200 OK\r\nServer: bench-embedded\r\nDate: {self._date}\r\n"
                f"Content-Type: {ctype}\r\nContent-Length: {length}\r\n"
                f"Connection: keep-alive\r\n{extra}\r\n").encode()

    def response(self, path: str) -> bytes | None:
        """The full response for a small route, or None for /big (sent in slices)."""
        if path == "/big":
            return None
        cached = self._cache.get(path)
        if cached is None:
            extra = "".join(f"{k}: {v}\r\n" for k, v in EXTRA_HEADERS)
            cached = {
                "/small": lambda: self._head(11, "text/plain") + b"hello world",
                "/headers": lambda: self._head(11, "text/plain", extra) + b"hello world",
                "/post": lambda: self._head(2, "text/plain") + b"ok",
            }.get(path, lambda: b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")()
            self._cache[path] = cached
        return cached

    def big_head(self) -> bytes:
        return self._head(len(self.big), "application/octet-stream")


class _ServerProtocol(asyncio.Protocol):
    def __init__(self, routes: _Routes) -> None:
        self.routes = routes
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None
        self.sending: asyncio.Task[None] | None = None
        self.can_write = asyncio.Event()
        self.can_write.set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.can_write.set()
        if self.sending is not None:
            self.sending.cancel()

    def pause_writing(self) -> None:
        self.can_write.clear()

    def resume_writing(self) -> None:
        self.can_write.set()

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if self.sending is None:
            self.process()

    def process(self) -> None:
        # Handles every complete request in the buffer (pipelining), stopping while /big is
        # being written: responses must go out in request order.
        while self.transport is not None and self.sending is None:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buf[:end]).lower()
            length = 0
            at = head.find(b"\r\ncontent-length:")
            if at >= 0:
                stop = head.find(b"\r\n", at + 17)
                length = int(head[at + 17 : stop if stop >= 0 else len(head)])
            if len(self.buf) < end + 4 + length:
                return  # the body hasn't all arrived yet
            path = head.split(b" ", 2)[1].decode()
            del self.buf[: end + 4 + length]
            resp = self.routes.response(path)
            if resp is not None:
                self.transport.write(resp)
            else:
                self.sending = asyncio.get_running_loop().create_task(self.send_big())

    async def send_big(self) -> None:
        view = memoryview(self.routes.big)
        assert self.transport is not None
        self.transport.write(self.routes.big_head())
        step = 1024 * 1024
        for off in range(0, len(view), step):
            await self.can_write.wait()
            if self.transport is None:
                return
            self.transport.write(view[off : off + step])
        self.sending = None
        self.process()


async def serve(args: argparse.Namespace) -> None:
    routes = _Routes(Path(args.dir) / "www" / "big")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    loop = asyncio.get_running_loop()
    servers = [
        await loop.create_server(lambda: _ServerProtocol(routes), "127.0.0.1", args.http_port),
        await loop.create_server(lambda: _ServerProtocol(routes), "127.0.0.1", args.https_port,
                                 ssl=ctx),
    ]
    for addr in filter(None, args.extra_addrs.split(",")):
        servers.append(
            await loop.create_server(lambda: _ServerProtocol(routes), addr, args.http_port)
        )
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    for s in servers:
        s.close()


def main() -> None:
    p = argparse.ArgumentParser(description="embedded benchmark server")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--dir", required=True)
    s.add_argument("--http-port", type=int, required=True)
    s.add_argument("--https-port", type=int, required=True)
    s.add_argument("--cert", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--cpu", type=int, default=None)
    s.add_argument("--extra-addrs", default="")
    args = p.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    try:
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    with runner:
        runner.run(serve(args))


if __name__ == "__main__":
    main()
