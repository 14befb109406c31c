"""Response-parser benchmark: aiohttp_fast (C and Python) against httptools, aiohttp and h11.

Four cases, each a whole response (or 100 of them) fed as one buffer to a parser that lives
across messages (a keep-alive connection):

- small:     a short head and an 11-byte body;
- realistic: a ~950-byte head with 18 headers and a small JSON body, in 64 variants fed in
             turn (date, request id, cookie, ETag, ray id and length change, as on a real
             connection; the other 12 values repeat);
- chunked:   a 64 KiB body in 4 KiB chunks;
- pipelined: 100 small responses in one buffer.

Every parser does the full job where it can: our parsers and aiohttp's build the header
multidict, raw headers and message object; httptools is measured *bare* (no-op callbacks, no
header objects), which is the ceiling a Python-visible parser over llhttp can reach. Repeats are
interleaved across parsers so that machine noise hits all of them alike; the median is reported.

    python benchmarks/bench_parser.py            # full run, prints a markdown table
    python benchmarks/bench_parser.py --quick    # a few seconds, for a smoke check
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SMALL = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 11\r\n"
    b"Date: Wed, 25 Nov 2026 10:00:00 GMT\r\n"
    b"Server: nginx\r\n"
    b"\r\n"
    b"hello world"
)

_REALISTIC_HEADERS = [
    (b"Date", b"Wed, 25 Nov 2026 10:00:00 GMT"),
    (b"Content-Type", b"application/json; charset=utf-8"),
    (b"Content-Length", b"27"),
    (b"Connection", b"keep-alive"),
    (b"Server", b"cloudflare"),
    (b"Cache-Control", b"private, max-age=0, no-cache, no-store, must-revalidate"),
    (b"Vary", b"Accept-Encoding, Origin"),
    (b"X-Request-Id", b"f3c1a9e2-7b4d-4c8e-9a1f-2d6b8e0c4a57"),
    (b"Strict-Transport-Security", b"max-age=31536000; includeSubDomains; preload"),
    (b"X-Content-Type-Options", b"nosniff"),
    (b"X-Frame-Options", b"SAMEORIGIN"),
    (b"Referrer-Policy", b"strict-origin-when-cross-origin"),
    (b"Content-Security-Policy",
     b"default-src 'self'; img-src 'self' data: https://cdn.example.com; "
     b"script-src 'self' https://cdn.example.com; style-src 'self' 'unsafe-inline'"),
    (b"Set-Cookie",
     b"session=6b1f0c2e9d8a4b7f; Path=/; Expires=Thu, 26 Nov 2026 10:00:00 GMT; "
     b"Secure; HttpOnly; SameSite=Lax"),
    (b"ETag", b'W/"1b-5a6d2c8f9e0b1a3c4d5e6f7a"'),
    (b"Last-Modified", b"Tue, 24 Nov 2026 08:30:00 GMT"),
    (b"Access-Control-Allow-Origin", b"https://www.example.com"),
    (b"CF-RAY", b"8e4f2a1b3c5d6e7f-AMS"),
]


def _realistic(i: int) -> bytes:
    # What changes from one response to the next on a real connection: the date, the request
    # id, the session cookie, the ETag, the CDN ray id and the body length. The others repeat.
    body = b'{"status":"ok","items":[%d]}' % (i * 7919)
    changed = {
        b"Date": b"Wed, 25 Nov 2026 10:%02d:%02d GMT" % (i // 60 % 60, i % 60),
        b"Content-Length": b"%d" % len(body),
        b"X-Request-Id": b"f3c1a9e2-7b4d-4c8e-9a1f-%012x" % (i * 2654435761),
        b"Set-Cookie": _REALISTIC_HEADERS[13][1].replace(b"6b1f0c2e9d8a4b7f", b"%016x" % i),
        b"ETag": b'W/"1b-%024x"' % (i * 40503),
        b"CF-RAY": b"%016x-AMS" % (i * 11400714819323198485 % 2**64),
    }
    return (
        b"HTTP/1.1 200 OK\r\n"
        + b"".join(name + b": " + changed.get(name, value) + b"\r\n"
                   for name, value in _REALISTIC_HEADERS)
        + b"\r\n"
        + body
    )


REALISTIC = [_realistic(i) for i in range(64)]

CHUNKED = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Transfer-Encoding: chunked\r\n"
    b"Date: Wed, 25 Nov 2026 10:00:00 GMT\r\n"
    b"\r\n"
    + b"".join(b"1000\r\n" + bytes([65 + i]) * 4096 + b"\r\n" for i in range(16))
    + b"0\r\n\r\n"
)

PIPELINED_COUNT = 100
PIPELINED = SMALL * PIPELINED_COUNT

# name -> (buffers fed in turn, responses in each buffer)
CASES: dict[str, tuple[list[bytes], int]] = {
    "small": ([SMALL], 1),
    "realistic": (REALISTIC, 1),
    "chunked": ([CHUNKED], 1),
    "pipelined": ([PIPELINED], PIPELINED_COUNT),
}


# ------------------------------------------------------------------ parser factories
# Each returns a function feeding one buffer to a parser that lives across calls; a parse error
# raises, so a case a parser does not accept can not pass for a fast one.


class _OurHandler:
    __slots__ = ("complete",)

    def __init__(self) -> None:
        self.complete = 0

    def on_headers(self, message: object) -> None:
        pass

    def on_body(self, data: bytes) -> None:
        pass

    def on_message_complete(self) -> None:
        self.complete += 1


def _ours(module_name: str) -> Callable[[], Callable[[bytes], None]] | None:
    def factory() -> Callable[[bytes], None]:
        import importlib

        module = importlib.import_module(module_name)
        handler = _OurHandler()
        parser = module.ResponseParser(handler)
        return parser.feed_data

    try:
        import importlib

        module = importlib.import_module(module_name)
        if module_name.endswith("_c") and not module.__file__.endswith((".so", ".pyd")):
            return None
    except ImportError:
        return None
    return factory


def _httptools() -> Callable[[], Callable[[bytes], None]] | None:
    try:
        import httptools
    except ImportError:
        return None

    class Bare:
        def on_status(self, status: bytes) -> None:
            pass

        def on_header(self, name: bytes, value: bytes) -> None:
            pass

        def on_headers_complete(self) -> None:
            pass

        def on_body(self, body: bytes) -> None:
            pass

        def on_message_complete(self) -> None:
            pass

    def factory() -> Callable[[bytes], None]:
        parser = httptools.HttpResponseParser(Bare())
        return parser.feed_data

    return factory


_LOOP: asyncio.AbstractEventLoop | None = None


def _aiohttp(kind: str) -> Callable[[], Callable[[bytes], None]] | None:
    try:
        from aiohttp import http_parser
        from aiohttp.base_protocol import BaseProtocol
    except ImportError:
        return None
    cls = getattr(http_parser, f"HttpResponseParser{kind}", None)
    if cls is None:
        return None

    def factory() -> Callable[[bytes], None]:
        global _LOOP
        if _LOOP is None:
            _LOOP = asyncio.new_event_loop()
        protocol = BaseProtocol(_LOOP)
        # a huge limit: body StreamReaders never ask the (absent) transport to pause
        parser = cls(protocol, _LOOP, 2**30)

        def feed(data: bytes) -> None:
            parser.feed_data(data)

        return feed

    return factory


def _h11() -> Callable[[], Callable[[bytes], None]] | None:
    try:
        import h11
    except ImportError:
        return None

    request = h11.Request(method="GET", target="/", headers=[("Host", "example.com")])

    def factory() -> Callable[[bytes], None]:
        conn = h11.Connection(h11.CLIENT)
        conn.send(request)
        conn.send(h11.EndOfMessage())
        NEED_DATA = h11.NEED_DATA
        EndOfMessage = h11.EndOfMessage

        def feed(data: bytes) -> None:
            conn.receive_data(data)
            while True:
                event = conn.next_event()
                if event is NEED_DATA:
                    return
                if type(event) is EndOfMessage:
                    # h11 answers one request at a time: start the next cycle like a client
                    conn.start_next_cycle()
                    conn.send(request)
                    conn.send(h11.EndOfMessage())

        return feed

    return factory


def parsers() -> dict[str, Callable[[], Callable[[bytes], None]]]:
    found = {
        "aiohttp_fast C": _ours("aiohttp_fast._parser_c"),
        "aiohttp_fast py": _ours("aiohttp_fast._parser_py"),
        "httptools (bare)": _httptools(),
        "aiohttp C": _aiohttp("C"),
        "aiohttp py": _aiohttp("Py"),
        "h11": _h11(),
    }
    return {name: factory for name, factory in found.items() if factory is not None}


# ------------------------------------------------------------------ measurement


def _calibrate(feed: Callable[[bytes], None], data: list[bytes], target: float) -> int:
    loops = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(loops):
            for buf in data:
                feed(buf)
        elapsed = time.perf_counter() - t0
        if elapsed >= target / 4:
            return max(1, int(loops * target / elapsed))
        loops *= 4


def _sample(feed: Callable[[bytes], None], data: list[bytes], loops: int) -> float:
    t0 = time.perf_counter()
    for _ in range(loops):
        for buf in data:
            feed(buf)
    return time.perf_counter() - t0


def run(quick: bool, only: list[str] | None) -> dict[str, dict[str, float]]:
    target = 0.02 if quick else 0.15
    repeats = 3 if quick else 9
    factories = parsers()
    results: dict[str, dict[str, float]] = {}
    for case, (data, per_feed) in CASES.items():
        if only and case not in only:
            continue
        feeds = {name: factory() for name, factory in factories.items()}
        loops = {name: _calibrate(feed, data, target) for name, feed in feeds.items()}
        samples: dict[str, list[float]] = {name: [] for name in feeds}
        for _ in range(repeats):
            for name, feed in feeds.items():  # interleaved: one sample of each in turn
                elapsed = _sample(feed, data, loops[name])
                samples[name].append(loops[name] * len(data) * per_feed / elapsed)
        results[case] = {name: statistics.median(s) for name, s in samples.items()}
    return results


def table(results: dict[str, dict[str, float]]) -> str:
    names = list(next(iter(results.values())))
    head = "| parser | " + " | ".join(results) + " |"
    sep = "|---|" + "---:|" * len(results)
    rows = [head, sep]
    for name in names:
        cells = []
        for case in results:
            rate = results[case][name]
            base = results[case].get("httptools (bare)")
            ratio = f" ({rate / base:.2f}x)" if base else ""
            cells.append(f"{rate / 1000:,.0f}k{ratio}")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="short run (smoke check)")
    ap.add_argument("--case", action="append", choices=list(CASES), help="only these cases")
    args = ap.parse_args()
    results = run(args.quick, args.case)
    print("responses/s (ratio to bare httptools), median of interleaved repeats\n")
    print(table(results))


if __name__ == "__main__":
    main()
