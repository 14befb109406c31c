"""The cookie jar (aiohttp's ``CookieJar`` API), storing and selecting cookies per RFC 6265.

Storage is indexed by cookie domain: ``filter_cookies`` walks the request host's own suffixes
(``a.b.example.com``, ``b.example.com``, ``example.com``, ``com``) and looks each up, so its cost
depends on the cookies that could match, not on the size of the jar.

Deliberate rules (RFC 6265 section 5.3, where aiohttp is looser):
- a Domain attribute must domain-match the response host, and must not be a public suffix
  (see :data:`PUBLIC_SUFFIXES`) unless it equals the host, which then makes it host-only;
- a strict jar (the default) accepts no cookies from IP-address hosts; ``unsafe=True`` does,
  and sends them back to that exact address only;
- Max-Age wins over Expires; a cookie whose expiry has passed deletes the stored one.
"""

from __future__ import annotations

import heapq
import itertools
import json
import os
import pathlib
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from http.cookies import BaseCookie, CookieError, Morsel, SimpleCookie
from types import MappingProxyType
from typing import Any, Union

from yarl import URL

from .cookie_helpers import (
    StoredCookie,
    default_path,
    domain_match,
    is_ip_address,
    make_morsel,
    parse_cookie_date,
    parse_max_age,
    parse_set_cookie,
    quote_value,
    select_cookies,
)
from .typedefs import LooseCookies, StrOrURL

__all__ = ("PUBLIC_SUFFIXES", "CookieJar", "DummyCookieJar")

PathLike = Union[str, "os.PathLike[str]"]
ClearCookiePredicate = Callable[["Morsel[str]"], bool]

# A small built-in public-suffix list: the common generic TLDs' second-level registries and
# a few well-known shared hosting domains. Every single-label domain ("com", "local", ...) is
# treated as a public suffix as well, so only multi-label suffixes need listing here. A cookie
# whose Domain attribute is one of these is refused (unless it equals the response host), so a
# site cannot set cookies for all of ``co.uk``. This is not the full Mozilla list on purpose:
# the jar stays dependency-free; an unlisted suffix only loses this extra protection.
PUBLIC_SUFFIXES: frozenset[str] = frozenset(
    """
    co.uk org.uk ac.uk gov.uk ltd.uk plc.uk me.uk net.uk nhs.uk sch.uk police.uk
    com.au net.au org.au edu.au gov.au asn.au id.au
    co.nz net.nz org.nz govt.nz ac.nz school.nz
    co.jp ne.jp or.jp ac.jp go.jp ad.jp ed.jp gr.jp lg.jp
    com.br net.br org.br gov.br edu.br
    com.cn net.cn org.cn gov.cn edu.cn ac.cn
    co.in net.in org.in gov.in ac.in firm.in gen.in ind.in
    co.kr or.kr ne.kr go.kr ac.kr re.kr
    com.tw net.tw org.tw gov.tw edu.tw idv.tw
    com.hk net.hk org.hk gov.hk edu.hk idv.hk
    com.sg net.sg org.sg gov.sg edu.sg
    com.mx net.mx org.mx gob.mx edu.mx
    com.ar net.ar org.ar gob.ar edu.ar
    co.za net.za org.za gov.za ac.za web.za
    com.tr net.tr org.tr gov.tr edu.tr
    com.ru net.ru org.ru msk.ru spb.ru
    co.il org.il net.il ac.il gov.il
    com.ua net.ua org.ua gov.ua in.ua kiev.ua
    co.id or.id ac.id go.id web.id
    com.my net.my org.my gov.my edu.my
    com.ph net.ph org.ph gov.ph edu.ph
    com.vn net.vn org.vn gov.vn edu.vn
    com.pl net.pl org.pl gov.pl edu.pl
    co.at or.at ac.at gv.at
    com.es org.es gob.es edu.es nom.es
    co.it gov.it edu.it
    com.de
    github.io gitlab.io herokuapp.com appspot.com blogspot.com pages.dev workers.dev
    netlify.app vercel.app web.app firebaseapp.com azurewebsites.net cloudfront.net
    s3.amazonaws.com elasticbeanstalk.com fly.dev onrender.com
    """.split()
)

# Limits that keep a hostile server from growing the jar without bound. RFC 6265 6.1 asks
# for at least 50 per domain and 3000 in total; browsers allow 180 per domain. The total is
# generous because a client may talk to very many hosts (the benchmark keeps 10,000).
MAX_COOKIES_PER_DOMAIN = 180
MAX_COOKIES_TOTAL = 30_000
# Over the total limit, evict down to this fraction at once so eviction is amortised.
_TOTAL_LOW_WATER = int(MAX_COOKIES_TOTAL * 0.9)

_MEMO_LIMIT = 512
_RESERVED = frozenset(Morsel._reserved)  # type: ignore[attr-defined]
# http.cookies' legal-key characters: what Morsel.set accepts for a name given as a string
_LEGAL_KEY = re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~:]+").fullmatch
_SECURE_SCHEMES = frozenset(("https", "wss"))
_EMPTY_URL = URL()


def _is_public_suffix(domain: str) -> bool:
    return "." not in domain or domain in PUBLIC_SUFFIXES


def _has_ctl(text: str) -> bool:
    for ch in text:
        if ch < " " or ch == "\x7f":
            return True
    return False


class CookieJar:
    """A cookie store for a ClientSession: accepts Set-Cookie cookies, selects them per request.

    ``unsafe=True`` accepts cookies from IP-address hosts. ``quote_cookie=False`` sends values
    exactly as received instead of quoting those with special characters.
    ``treat_as_secure_origin`` (URL/str or an iterable of them) lists origins that get Secure
    cookies over plain http (e.g. ``http://localhost:8080``). ``clock`` (an aiohttp_fast
    extension) replaces ``time.time`` for expiry, for tests. ``loop`` is accepted and ignored.
    """

    def __init__(
        self,
        *,
        unsafe: bool = False,
        quote_cookie: bool = True,
        treat_as_secure_origin: StrOrURL | Iterable[StrOrURL] | None = None,
        loop: Any = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._unsafe = unsafe
        self._quote_cookie = quote_cookie
        if treat_as_secure_origin is None:
            origins: Iterable[StrOrURL] = ()
        elif isinstance(treat_as_secure_origin, (str, URL)):
            origins = (treat_as_secure_origin,)
        else:
            origins = treat_as_secure_origin
        self._treat_as_secure_origin: frozenset[URL] = frozenset(
            URL(o).origin() if isinstance(o, str) else o.origin() for o in origins
        )
        self._clock = clock
        self._reset()

    def _reset(self) -> None:
        # domain -> {(path, name): entry}; "" holds cookies stored without a response URL,
        # which are sent to every host (aiohttp's "shared" cookies).
        self._domains: dict[str, dict[tuple[str, str], StoredCookie]] = {}
        self._count = 0
        self._expiry_heap: list[tuple[float, int, StoredCookie]] = []
        self._seq = itertools.count()
        self._bump()

    def _bump(self) -> None:
        # Any change to the stored cookies invalidates the memoised selections.
        self._selections: dict[tuple[str, str, bool], tuple[float, dict[str, Morsel[str]]]] = {}

    # --- properties aiohttp exposes -----------------------------------------------------
    @property
    def unsafe(self) -> bool:
        return self._unsafe

    @property
    def quote_cookie(self) -> bool:
        return self._quote_cookie

    @property
    def treat_as_secure_origin(self) -> frozenset[URL]:
        return self._treat_as_secure_origin

    @property
    def cookies(self) -> MappingProxyType[tuple[str, str], SimpleCookie]:
        """A snapshot: ``(domain, path) -> SimpleCookie`` of the stored cookies."""
        out: dict[tuple[str, str], SimpleCookie] = {}
        for entry in self._entries():
            dict.__setitem__(out.setdefault((entry.domain, entry.path), SimpleCookie()),
                             entry.name, entry.morsel)
        return MappingProxyType(out)

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str, str]]:
        return frozenset((e.domain, e.path, e.name) for e in self._entries() if e.host_only)

    # --- container protocol -------------------------------------------------------------
    def __len__(self) -> int:
        self._do_expiration()
        return self._count

    def __iter__(self) -> Iterator[Morsel[str]]:
        self._do_expiration()
        for entry in self._entries():
            yield entry.morsel

    def _entries(self) -> list[StoredCookie]:
        return [e for bucket in self._domains.values() for e in bucket.values()]

    # --- storing ------------------------------------------------------------------------
    def update_cookies(self, cookies: LooseCookies, response_url: URL = _EMPTY_URL) -> None:
        """Store cookies (a Mapping, a SimpleCookie or pairs; values str or Morsel).

        ``response_url`` is where they came from; without it they are sent to every host.
        """
        host = response_url.raw_host
        if host and not self._unsafe and is_ip_address(host):
            return
        items = cookies.items() if isinstance(cookies, Mapping) else cookies
        for name, cookie in items:
            if isinstance(cookie, Morsel):
                # a copy: never keep (and later mutate) the caller's Morsel
                morsel = make_morsel(cookie.key, cookie.value, cookie.coded_value, cookie)
                if _has_ctl(morsel.key + morsel.value + morsel.coded_value):
                    continue  # could not be sent without corrupting the Cookie header
                max_age = parse_max_age(str(morsel["max-age"]))
                if max_age is None:
                    morsel["max-age"] = ""
                expires = parse_cookie_date(str(morsel["expires"]))
                if expires is None:
                    morsel["expires"] = ""
            else:
                # the name is checked as Morsel.set would (aiohttp raises CookieError too)
                if name.lower() in _RESERVED or _LEGAL_KEY(name) is None:
                    raise CookieError(f"Illegal key {name!r}")
                text = str(cookie)
                morsel = make_morsel(name, text, quote_value(text), None)
                max_age = expires = None
            self._store(name, morsel, host, response_url, expires, max_age)

    def update_cookies_from_headers(self, headers: Sequence[str], response_url: URL) -> None:
        """Parse raw Set-Cookie values and store the valid cookies (malformed ones are skipped)."""
        host = response_url.raw_host
        if host and not self._unsafe and is_ip_address(host):
            return
        for header in headers:
            parsed = parse_set_cookie(header)
            if parsed is not None:
                name, value, coded, attrs, expires, max_age = parsed
                self._store(name, make_morsel(name, value, coded, attrs), host, response_url,
                            expires, max_age)

    def _store(
        self, name: str, morsel: Morsel[str], host: str | None, response_url: URL,
        expires_at: int | None, max_age: int | None,
    ) -> None:
        domain = morsel["domain"]
        if domain:
            domain = domain.lower()
            if domain[-1] == ".":
                domain = ""  # a trailing dot cannot domain-match: treat as host-only
            elif domain[0] == ".":
                domain = domain[1:]
        host_only = False
        if domain:
            if host:
                if not domain_match(domain, host):
                    return  # a cookie for another site
                if _is_public_suffix(domain):
                    if domain != host:
                        return  # e.g. Domain=co.uk: would reach every site under it
                    host_only = True
        elif host:
            domain = host
            host_only = True
        # dict.__setitem__: the key is known-good, skip Morsel's per-item validation
        dict.__setitem__(morsel, "domain", domain)

        path = morsel["path"]
        if not path or path[0] != "/":
            path = default_path(response_url.path)
            dict.__setitem__(morsel, "path", path)

        expires: float | None = None
        if max_age is not None:
            expires = self._clock() + max_age  # Max-Age wins over Expires (RFC 6265 5.3 3)
        elif expires_at is not None:
            expires = expires_at

        key = (path, name)
        bucket = self._domains.get(domain)
        old = bucket.pop(key, None) if bucket is not None else None
        if old is not None:
            self._count -= 1
            if self._selections:
                self._bump()
        if expires is not None and expires <= self._clock():
            # An expiry in the past is how servers delete a cookie: it is not stored.
            if bucket is not None and not bucket:
                del self._domains[domain]
            return
        if bucket is None:
            bucket = self._domains[domain] = {}
        elif old is None and len(bucket) >= MAX_COOKIES_PER_DOMAIN:
            if not self._evict_from(bucket, bool(morsel["secure"])):
                return  # the domain is full of Secure cookies: a plain one may not evict them
        # A replacement keeps the old creation time (RFC 6265 5.3 step 11.3): sending order.
        created = old.created if old is not None else next(self._seq)
        entry = StoredCookie(morsel, name, domain, path, host_only, expires, created)
        bucket[key] = entry
        self._count += 1
        if self._selections:
            self._bump()
        if expires is not None:
            heap = self._expiry_heap
            heapq.heappush(heap, (expires, next(self._seq), entry))
            if len(heap) > 2 * self._count + 64:
                # Replaced and evicted cookies leave stale heap items behind (a server that
                # re-sets one Max-Age cookie on every response would grow it forever).
                self._rebuild_expiry_heap()
        if self._count > MAX_COOKIES_TOTAL:
            self._purge()

    def _rebuild_expiry_heap(self) -> None:
        seq = self._seq
        heap = [(e.expires, next(seq), e) for e in self._entries() if e.expires is not None]
        heapq.heapify(heap)
        self._expiry_heap = heap

    def _evict_from(self, bucket: dict[tuple[str, str], StoredCookie], secure: bool) -> bool:
        """Make room in a full domain; False when the new cookie must be dropped instead.

        Expired cookies go first, then the least recently set non-Secure one. Secure cookies
        are only evicted for another Secure cookie (as Firefox and aiohttp do), so a plain-http
        response cannot flush a site's Secure session cookies by flooding the jar.
        """
        now = self._clock()
        stale = [k for k, e in bucket.items() if e.expires is not None and e.expires <= now]
        if not stale:
            # dicts keep insertion order: the first found is the least recently set
            victim = next((k for k, e in bucket.items() if not e.secure), None)
            if victim is None:
                if not secure:
                    return False
                victim = next(iter(bucket))
            stale = [victim]
        for k in stale:
            del bucket[k]
        self._count -= len(stale)
        self._bump()
        return True

    def _purge(self) -> None:
        """Over the total limit: drop expired cookies, then the oldest, to the low-water mark."""
        self._do_expiration()
        excess = self._count - _TOTAL_LOW_WATER
        if excess > 0:
            victims = heapq.nsmallest(excess, self._entries(), key=lambda e: e.created)
            self._delete(victims)

    def _delete(self, entries: Iterable[StoredCookie]) -> None:
        for entry in entries:
            bucket = self._domains.get(entry.domain)
            key = (entry.path, entry.name)
            if bucket is not None and bucket.get(key) is entry:
                del bucket[key]
                self._count -= 1
                if self._selections:
                    self._bump()
                if not bucket:
                    del self._domains[entry.domain]

    def _do_expiration(self) -> None:
        heap = self._expiry_heap
        if not heap:
            return
        now = self._clock()
        expired = []
        while heap and heap[0][0] <= now:
            expired.append(heapq.heappop(heap)[2])
        if expired:
            self._delete(expired)  # only removes entries still stored (not replaced since)

    # --- selecting ----------------------------------------------------------------------
    def filter_cookies(self, request_url: URL = _EMPTY_URL) -> BaseCookie[str]:
        """The cookies to send to ``request_url``, as name -> Morsel (name and value only).

        Most specific first (longest path, then oldest, as RFC 6265 5.4 orders them); for a
        name present at several paths/domains only the most specific is kept.
        """
        filtered: BaseCookie[str] = BaseCookie()
        if not self._count:
            return filtered
        if type(request_url) is not URL:
            request_url = URL(request_url)
        host = request_url.raw_host or ""
        secure = request_url.scheme in _SECURE_SCHEMES
        if not secure and self._treat_as_secure_origin and host:
            secure = request_url.origin() in self._treat_as_secure_origin
        req_path = request_url.path or "/"
        now = self._clock()
        # Sessions ask again and again for the same few URLs: the selection for a
        # (host, path, secure) is memoised until the jar changes or a chosen cookie expires.
        memo_key = (host, req_path, secure)
        memo = self._selections.get(memo_key)
        if memo is not None and now < memo[0]:
            dict.update(filtered, memo[1])
            return filtered
        domains = self._domains
        # (bucket, exact host?) pairs that can hold matching cookies
        buckets: list[tuple[dict[tuple[str, str], StoredCookie], bool]] = []
        shared = domains.get("")
        if shared is not None:
            buckets.append((shared, True))
        if host:
            if is_ip_address(host):
                # An address has no parent domains; its cookies exist only in unsafe jars.
                bucket = domains.get(host)
                if bucket is not None:
                    buckets.append((bucket, True))
            else:
                # Walk this host's own suffixes: only those buckets can hold matching cookies.
                d = host
                while True:
                    bucket = domains.get(d)
                    if bucket is not None:
                        buckets.append((bucket, d == host))
                    dot = d.find(".")
                    if dot < 0 or dot == len(d) - 1:  # "com." must not lead to "" (shared)
                        break
                    d = d[dot + 1 :]
        if not buckets:
            self._memoise(memo_key, float("inf"), {})
            return filtered
        expired: list[StoredCookie] = []
        chosen, valid_until = select_cookies(
            buckets, req_path, secure, now, self._quote_cookie, expired
        )
        if expired:
            self._delete(expired)
        self._memoise(memo_key, valid_until, chosen)
        # BaseCookie.__setitem__ would re-encode a Morsel's value: store them as built
        dict.update(filtered, chosen)
        return filtered

    def _memoise(self, key: tuple[str, str, bool], valid_until: float,
                 chosen: dict[str, Morsel[str]]) -> None:
        if len(self._selections) >= _MEMO_LIMIT:
            self._selections.clear()  # many distinct URLs: start over rather than grow
        self._selections[key] = (valid_until, chosen)

    # --- removing -----------------------------------------------------------------------
    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Remove every cookie, or those for which ``predicate(morsel)`` is true."""
        if predicate is None:
            self._reset()
            return
        now = self._clock()
        self._delete([
            e for e in self._entries()
            if (e.expires is not None and e.expires <= now) or predicate(e.morsel)
        ])

    def clear_domain(self, domain: str) -> None:
        """Remove the cookies of ``domain`` and of its subdomains."""
        domain = domain.lower()
        self._delete([e for d, bucket in list(self._domains.items())
                      if domain_match(domain, d) for e in bucket.values()])

    # --- persistence (JSON, never pickle) -----------------------------------------------
    def save(self, file_path: PathLike) -> None:
        """Write every cookie, with all attributes, host-only flag and absolute expiry, as JSON.

        The file is created with mode 0600: cookies are often credentials.
        """
        self._do_expiration()
        records = []
        for e in sorted(self._entries(), key=lambda e: e.created):
            m = e.morsel
            attrs = {k: v for k, v in dict.items(m) if v not in ("", False, None)}
            records.append({
                "name": e.name, "key": m.key, "value": m.value, "coded_value": m.coded_value,
                "domain": e.domain, "path": e.path, "host_only": e.host_only,
                "expires": e.expires, "attrs": attrs,
            })
        data = {"format": "aiohttp_fast.cookiejar", "version": 1, "cookies": records}
        fd = os.open(os.fspath(file_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)  # also tighten a file that already existed
        except (AttributeError, OSError):  # pragma: no cover - platforms without fchmod
            pass
        with open(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)

    def load(self, file_path: PathLike) -> None:
        """Replace the jar's contents with a file written by :meth:`save`.

        Also reads aiohttp's JSON format. A malformed file raises ValueError and leaves the
        jar unchanged; cookies that expired since they were saved are dropped.
        """
        text = pathlib.Path(file_path).read_text(encoding="utf-8")
        data = json.loads(text)
        fresh = CookieJar(unsafe=self._unsafe, quote_cookie=self._quote_cookie,
                          treat_as_secure_origin=self._treat_as_secure_origin, clock=self._clock)
        try:
            if isinstance(data, dict) and data.get("format") == "aiohttp_fast.cookiejar":
                for rec in data["cookies"]:
                    fresh._load_record(rec)
            elif isinstance(data, dict):
                fresh._load_aiohttp_json(data)
            else:
                raise ValueError("not a cookie jar file")
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"malformed cookie jar file: {exc!r}") from exc
        self._domains = fresh._domains
        self._count = fresh._count
        self._expiry_heap = fresh._expiry_heap
        self._seq = fresh._seq
        self._bump()

    def _load_record(self, rec: Mapping[str, Any]) -> None:
        expires = rec["expires"]
        if expires is not None:
            expires = float(expires)
            if expires <= self._clock():
                return
        attrs = {k: v for k, v in rec["attrs"].items() if k in Morsel._reserved}  # type: ignore[attr-defined]
        morsel = make_morsel(str(rec["key"]), str(rec["value"]), str(rec["coded_value"]), attrs)
        domain, path, name = str(rec["domain"]), str(rec["path"]), str(rec["name"])
        if _has_ctl(morsel.key + morsel.value + morsel.coded_value + domain + path):
            raise ValueError(f"cookie {name!r}: control characters")
        morsel["domain"], morsel["path"] = domain, path
        self._insert(StoredCookie(morsel, name, domain, path, bool(rec["host_only"]), expires,
                            next(self._seq)))

    def _load_aiohttp_json(self, data: Mapping[str, Any]) -> None:
        # aiohttp's layout: {"domain|path": {name: {"key", "value", "coded_value", attrs...,
        # "host_only"?, "expires_timestamp"?}}}
        for compound, cookies in data.items():
            domain, _, path = compound.partition("|")
            for name, rec in cookies.items():
                attrs = {k: v for k, v in rec.items()
                         if k in Morsel._reserved and k not in ("max-age", "expires")}  # type: ignore[attr-defined]
                self._load_record({
                    "name": name, "key": rec["key"], "value": rec["value"],
                    "coded_value": rec["coded_value"], "domain": rec.get("domain") or domain,
                    "path": rec.get("path") or path or "/", "attrs": attrs,
                    "host_only": bool(rec.get("host_only")),
                    "expires": rec.get("expires_timestamp"),
                })

    def _insert(self, entry: StoredCookie) -> None:
        bucket = self._domains.setdefault(entry.domain, {})
        key = (entry.path, entry.name)
        if key not in bucket:
            self._count += 1
        bucket[key] = entry
        self._bump()
        if entry.expires is not None:
            heapq.heappush(self._expiry_heap, (entry.expires, next(self._seq), entry))


class DummyCookieJar:
    """A jar that stores nothing: use it when a session must not handle cookies."""

    def __init__(self, *, loop: Any = None) -> None:
        pass

    def __iter__(self) -> Iterator[Morsel[str]]:
        return iter(())

    def __len__(self) -> int:
        return 0

    @property
    def unsafe(self) -> bool:
        return False

    @property
    def quote_cookie(self) -> bool:
        return True

    @property
    def treat_as_secure_origin(self) -> frozenset[URL]:
        return frozenset()

    @property
    def cookies(self) -> MappingProxyType[tuple[str, str], SimpleCookie]:
        return MappingProxyType({})

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str, str]]:
        return frozenset()

    def update_cookies(self, cookies: LooseCookies, response_url: URL = _EMPTY_URL) -> None:
        pass

    def update_cookies_from_headers(self, headers: Sequence[str], response_url: URL) -> None:
        pass

    def filter_cookies(self, request_url: URL = _EMPTY_URL) -> BaseCookie[str]:
        return SimpleCookie()

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        pass

    def clear_domain(self, domain: str) -> None:
        pass

    def save(self, file_path: PathLike) -> None:
        pass

    def load(self, file_path: PathLike) -> None:
        pass
