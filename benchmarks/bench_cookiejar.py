"""Cookie-jar benchmark: aiohttp_fast's CookieJar against aiohttp's, side by side.

The jar holds 10,000 cookies over 1,000 domains (10 domain cookies per site, set from
``www.dN.com`` for ``dN.com``). Cases:

- filter:      ``filter_cookies`` for a request to one site (10 cookies match);
- filter-miss: ``filter_cookies`` for a host with no cookies (pure selection overhead);
- filter-cold: ``filter_cookies`` for 1,000 different hosts in turn (10 matches each), so
  that our jar's memo of recent selections never helps;
- headers:     ``update_cookies_from_headers`` with one response's 10 Set-Cookie values;
- mapping:     ``update_cookies`` with a 10-entry dict of str values.

Both jars evict down to 3,000 cookies in total (the same limits); they are switched off here
(``_limits_enabled = False``) so that both jars really hold 10,000. Repeats are interleaved
and the median is reported.

    python benchmarks/bench_cookiejar.py            # prints a markdown table
    python benchmarks/bench_cookiejar.py --quick
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp  # noqa: E402
from yarl import URL  # noqa: E402

from aiohttp_fast import cookie_helpers  # noqa: E402
from aiohttp_fast.cookiejar import CookieJar  # noqa: E402

DOMAINS = 1000
PER_DOMAIN = 10


def _headers(d: int) -> list[str]:
    return [f"k{i}=value-{d}-{i}; Domain=d{d}.com; Path=/; HttpOnly" for i in range(PER_DOMAIN)]


def _fill(jar: Any) -> None:
    for d in range(DOMAINS):
        jar.update_cookies_from_headers(_headers(d), URL(f"http://www.d{d}.com/"))


def _time_per_call(fn: Callable[[], Any], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    repeats, number = (3, 200) if args.quick else (9, 2000)

    loop = asyncio.new_event_loop()  # aiohttp's jar wants a loop; it never runs here
    try:
        theirs = aiohttp.CookieJar(loop=loop)
        theirs._limits_enabled = False  # type: ignore[misc]  # keep all 10,000 (see docstring)
        ours = CookieJar()
        ours._limits_enabled = False  # type: ignore[misc]  # likewise
        _fill(theirs)
        _fill(ours)
        assert len(ours) == len(theirs) == DOMAINS * PER_DOMAIN, (len(ours), len(theirs))

        hit = URL("http://api.d517.com/some/path")
        miss = URL("http://nothing.example.org/")
        assert len(ours.filter_cookies(hit)) == len(theirs.filter_cookies(hit)) == PER_DOMAIN
        hosts = [URL(f"http://api.d{d}.com/some/path") for d in range(DOMAINS)]
        ours_cycle = itertools.cycle(hosts)
        theirs_cycle = itertools.cycle(hosts)
        resp_url = URL("http://www.d42.com/")
        hdrs = _headers(42)
        mapping = {f"m{i}": f"v{i}" for i in range(PER_DOMAIN)}

        cases: dict[str, dict[str, Callable[[], Any]]] = {
            "filter (10 of 10,000 match)": {
                "ours": lambda: ours.filter_cookies(hit),
                "aiohttp": lambda: theirs.filter_cookies(hit),
            },
            "filter-miss": {
                "ours": lambda: ours.filter_cookies(miss),
                "aiohttp": lambda: theirs.filter_cookies(miss),
            },
            "filter-cold (1,000 hosts in turn)": {
                "ours": lambda: ours.filter_cookies(next(ours_cycle)),
                "aiohttp": lambda: theirs.filter_cookies(next(theirs_cycle)),
            },
            "update_cookies_from_headers (10)": {
                "ours": lambda: ours.update_cookies_from_headers(hdrs, resp_url),
                "aiohttp": lambda: theirs.update_cookies_from_headers(hdrs, resp_url),
            },
            "update_cookies (dict of 10)": {
                "ours": lambda: ours.update_cookies(mapping, resp_url),
                "aiohttp": lambda: theirs.update_cookies(mapping, resp_url),
            },
        }
        results: dict[tuple[str, str], list[float]] = {}
        for _ in range(repeats):
            for case, impls in cases.items():
                for name, fn in impls.items():
                    results.setdefault((case, name), []).append(_time_per_call(fn, number))
    finally:
        loop.close()

    print(f"cookie helpers IMPL={cookie_helpers.IMPL}; aiohttp {aiohttp.__version__}; "
          f"{DOMAINS * PER_DOMAIN} cookies over {DOMAINS} domains; median of {repeats}\n")
    print("| case | aiohttp_fast (µs) | aiohttp (µs) | speedup |")
    print("|---|---:|---:|---:|")
    for case in cases:
        o = statistics.median(results[(case, "ours")]) * 1e6
        t = statistics.median(results[(case, "aiohttp")]) * 1e6
        print(f"| {case} | {o:.2f} | {t:.2f} | {t / o:.1f}x |")


if __name__ == "__main__":
    main()
