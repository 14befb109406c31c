"""The cookie jar (aiohttp's ``CookieJar`` API), storing and selecting cookies per RFC 6265.

Storage is indexed by cookie domain: ``filter_cookies`` walks the request host's own suffixes
(``a.b.example.com``, ``b.example.com``, ``example.com``, ``com``) and looks each up, so its cost
depends on the cookies that could match, not on the size of the jar.

Otherwise it behaves as aiohttp 3.14's jar: the same limits (see MAX_COOKIES_* below), the
same eviction order, the same sending order (least specific first; for one name the deepest
domain, then the longest path, wins), the same JSON file layout.

Deliberate rules where aiohttp is looser or slips (RFC 6265 section 5.3):
- a Domain attribute must domain-match the response host, and must not be a public suffix
  (see :data:`PUBLIC_SUFFIXES`) unless it equals the host, which then makes it host-only
  (aiohttp takes ``Domain=com``);
- Domain is compared case-insensitively (aiohttp refuses ``Domain=Example.COM``);
- an Expires of exactly the epoch expires the cookie (aiohttp reads timestamp 0 as no date);
- an invalid Max-Age or Expires is ignored, an earlier valid one still counts (RFC 6265
  5.2.2; aiohttp lets the last one win and then drops it);
- a strict jar (the default) accepts no cookies from IP-address hosts; ``unsafe=True`` does,
  and sends them back to that exact address only;
- Max-Age wins over Expires; a cookie whose expiry has passed deletes the stored one;
- ``load`` never unpickles (aiohttp falls back to pickle files): JSON only.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import re
import time
import warnings
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
    ValuesView,
)
from http.cookies import BaseCookie, CookieError, Morsel, SimpleCookie
from types import MappingProxyType
from typing import Any

from yarl import URL

from .cookie_file import PathLike, SavedCookie, read_jar_file, write_jar_file
from .cookie_helpers import (
    MAX_COOKIE_HEADER_LENGTH,
    MAX_COOKIES_PER_REQUEST,
    MAX_COOKIES_PER_RESPONSE,
    MAX_TIMESTAMP,
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
    stamp_access,
)
from .public_suffixes import PUBLIC_SUFFIXES, is_public_suffix
from .typedefs import LooseCookies, StrOrURL

__all__ = ("PUBLIC_SUFFIXES", "CookieJar", "DummyCookieJar", "RequestCookieJar")

ClearCookiePredicate = Callable[["Morsel[str]"], bool]

# aiohttp 3.14's limits, Firefox-style: a domain at MAX_COOKIES_PER_DOMAIN that gets a new
# cookie is trimmed to COOKIE_QUOTA_PER_DOMAIN (expired, then non-Secure, least recently used
# first); a jar at MAX_COOKIES_TOTAL is trimmed to COOKIE_QUOTA_TOTAL. One response stores
# at most MAX_COOKIES_PER_RESPONSE cookies; a request sends at most MAX_COOKIES_PER_REQUEST
# in at most MAX_COOKIE_HEADER_LENGTH octets (the most specific first).
MAX_COOKIES_PER_DOMAIN = 180
COOKIE_QUOTA_PER_DOMAIN = 150
MAX_COOKIES_TOTAL = 3300
COOKIE_QUOTA_TOTAL = 3000
# aiohttp's private names for them, which its users' tests reach for
_MAX_COOKIES_PER_DOMAIN = MAX_COOKIES_PER_DOMAIN
_COOKIE_QUOTA_PER_DOMAIN = COOKIE_QUOTA_PER_DOMAIN
_MAX_COOKIES_TOTAL = MAX_COOKIES_TOTAL
_COOKIE_QUOTA_TOTAL = COOKIE_QUOTA_TOTAL
_MAX_COOKIES_PER_REQUEST = MAX_COOKIES_PER_REQUEST
_MAX_COOKIE_HEADER_LENGTH = MAX_COOKIE_HEADER_LENGTH
_COOKIE_HEADER_PREFIX_LENGTH = len("Cookie: ")

_MEMO_LIMIT = 512
_RESERVED = frozenset(Morsel._reserved)  # type: ignore[attr-defined]
# http.cookies' legal-key characters: what Morsel.set accepts for a name given as a string
_LEGAL_KEY = re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~:]+").fullmatch
_SECURE_SCHEMES = frozenset(("https", "wss"))
_INF = float("inf")
_EMPTY_URL = URL()


def _now() -> float:
    return time.time()


def _has_ctl(text: str) -> bool:
    for ch in text:
        if ch < " " or ch == "\x7f":
            return True
    return False


def _recency(entry: StoredCookie) -> tuple[int, int]:
    return entry.access, entry.created


def _recency_in_domain(entry: StoredCookie) -> tuple[int, str, str]:
    return entry.access, entry.path_key, entry.name


def _can_send(morsel: Morsel[str]) -> bool:
    """Whether the cookie can be written to a Cookie header: no CTLs, and UTF-8 text."""
    return _sendable(f"{morsel.key}={morsel.value}{morsel.coded_value}")


def _sendable(text: str) -> bool:
    if text.isascii():
        return text.isprintable()  # printable ASCII: no CTL; else there is one
    if _has_ctl(text):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return False
    return True


def _stamp(memo: list[Any]) -> None:
    """Give a memoised selection's cookies the generation of its last use, if later."""
    generation = memo[3]
    if generation:
        stamp_access(memo[2], generation)
        memo[3] = 0


class _CookiesView(Mapping[tuple[str, str], SimpleCookie]):
    """aiohttp's ``CookieJar.cookies`` layout, computed from the jar on each access."""

    __slots__ = ("_jar",)

    def __init__(self, jar: CookieJar) -> None:
        self._jar = jar

    def _snapshot(self) -> dict[tuple[str, str], SimpleCookie]:
        out: dict[tuple[str, str], SimpleCookie] = {}
        for entry in self._jar._entries_in_order():
            dict.__setitem__(out.setdefault((entry.domain, entry.path_key), SimpleCookie()),
                             entry.name, entry.morsel)
        return out

    def __getitem__(self, key: tuple[str, str]) -> SimpleCookie:
        return self._snapshot()[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._snapshot())

    def __len__(self) -> int:
        return len(self._snapshot())

    # one snapshot per call, not one per key (Mapping's defaults would look each key up)
    def items(self) -> ItemsView[tuple[str, str], SimpleCookie]:
        return self._snapshot().items()

    def values(self) -> ValuesView[SimpleCookie]:
        return self._snapshot().values()


class CookieJar:
    """A cookie store for a ClientSession: accepts Set-Cookie cookies, selects them per request.

    ``unsafe=True`` accepts cookies from IP-address hosts. ``quote_cookie=False`` sends values
    exactly as received instead of quoting those with special characters.
    ``treat_as_secure_origin`` (URL/str or an iterable of them) lists origins that get Secure
    cookies over plain http (e.g. ``http://localhost:8080``). ``clock`` (an aiohttp_fast
    extension) replaces ``time.time`` for expiry, for tests. ``loop`` is accepted and ignored.
    """

    # aiohttp's switch for its limits (its per-request jars turn them off)
    _limits_enabled = True

    # aiohttp's public class attributes: the RFC 6265 5.1.1 date grammar as regexes (our
    # parser is parse_cookie_date; these are for code that reads them) and the latest time.
    DATE_TOKENS_RE = re.compile(
        r"[\x09\x20-\x2F\x3B-\x40\x5B-\x60\x7B-\x7E]*"  # delimiters
        r"(?P<token>[\x00-\x08\x0A-\x1F\d:a-zA-Z\x7F-\xFF]+)"  # one date-token
    )
    DATE_HMS_TIME_RE = re.compile(r"(\d{1,2}):(\d{1,2}):(\d{1,2})")
    DATE_DAY_OF_MONTH_RE = re.compile(r"(\d{1,2})")
    DATE_MONTH_RE = re.compile(
        "(jan)|(feb)|(mar)|(apr)|(may)|(jun)|(jul)|(aug)|(sep)|(oct)|(nov)|(dec)", re.I
    )
    DATE_YEAR_RE = re.compile(r"(\d{2,4})")
    MAX_TIME = MAX_TIMESTAMP - 1
    SUB_MAX_TIME = MAX_TIME - 1

    # what aiohttp's own tests reach for
    _parse_date = staticmethod(parse_cookie_date)
    _is_domain_match = staticmethod(domain_match)

    def __init__(
        self,
        *,
        unsafe: bool = False,
        quote_cookie: bool = True,
        treat_as_secure_origin: StrOrURL | Iterable[StrOrURL] | None = None,
        loop: Any = None,
        clock: Callable[[], float] | None = None,
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
        # time.time looked up per call, so that freezegun & co. can move the jar's clock
        self._clock = clock if clock is not None else _now
        if loop is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                pass  # aiohttp needs a loop here; a jar of ours never uses it
        self._loop = loop
        self._reset()

    def _reset(self) -> None:
        # domain -> {(path, name): entry}; "" holds cookies stored without a response URL,
        # which are sent to every host (aiohttp's "shared" cookies).
        self._domains: dict[str, dict[tuple[str, str], StoredCookie]] = {}
        self._count = 0
        # (domain, path) -> [when that group got its first cookie, how many it holds]: the
        # order aiohttp iterates and saves its cookies in (group by group, each in set order).
        self._groups: dict[tuple[str, str], list[int]] = {}
        self._expiry_heap: list[tuple[float, int, StoredCookie]] = []
        self._seq = itertools.count()
        # Recency for eviction: every store and every request stamps the cookies it used
        # with the next generation, as aiohttp (after Firefox) does.
        self._generation = 0
        self._selections: dict[tuple[str, str, bool], list[Any]] = {}

    def _bump(self) -> None:
        # Any change to the stored cookies invalidates the memoised selections; the requests
        # answered from them stamp their cookies now (see _touch).
        selections = self._selections
        if selections:
            for memo in selections.values():
                if memo[3]:
                    _stamp(memo)
            self._selections = {}

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
        """A live read-only view: ``(domain, path without trailing "/") -> SimpleCookie``."""
        return MappingProxyType(_CookiesView(self))

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str, str]]:
        return frozenset((e.domain, e.path_key, e.name) for e in self._entries() if e.host_only)

    # --- container protocol -------------------------------------------------------------
    def __len__(self) -> int:
        # As aiohttp: a count, not a sweep (filter_cookies, update_cookies and iteration
        # drop the expired cookies).
        return self._count

    def __iter__(self) -> Iterator[Morsel[str]]:
        self._do_expiration()
        for entry in self._entries_in_order():
            yield entry.morsel

    def _entries(self) -> list[StoredCookie]:
        return [e for bucket in self._domains.values() for e in bucket.values()]

    def _entries_in_order(self) -> list[StoredCookie]:
        groups = self._groups
        return sorted(self._entries(),
                      key=lambda e: (groups[(e.domain, e.path_key)][0], e.created))

    # --- storing ------------------------------------------------------------------------
    def update_cookies(self, cookies: LooseCookies, response_url: URL = _EMPTY_URL) -> None:
        """Store cookies (a Mapping, a SimpleCookie or pairs; values str or Morsel).

        ``response_url`` is where they came from; without it they are sent to every host.
        A cookie that could not be written to a Cookie header (control characters, text
        that is not UTF-8) is dropped, as aiohttp does.
        """
        host = response_url.raw_host
        if host and not self._unsafe and is_ip_address(host):
            return
        items = cookies.items() if isinstance(cookies, Mapping) else cookies
        for name, cookie in items:
            if isinstance(cookie, Morsel):
                if cookie.key is None or not _can_send(cookie):
                    continue  # a blank Morsel(), or one that could not be sent
                # a copy: never keep (and later mutate) the caller's Morsel
                morsel = make_morsel(cookie.key, cookie.value, cookie.coded_value, cookie)
                max_age = parse_max_age(str(morsel["max-age"]))
                if max_age is None:
                    morsel["max-age"] = ""
                expires = parse_cookie_date(str(morsel["expires"]))
                if expires is None:
                    morsel["expires"] = ""
                self._store(name, morsel, host, response_url, expires, max_age)
            else:
                # the name is checked as Morsel.set would (aiohttp raises CookieError too)
                if name.lower() in _RESERVED or _LEGAL_KEY(name) is None:
                    raise CookieError(f"Illegal key {name!r}")
                text = str(cookie)
                if not (text.isascii() and text.isprintable()) and not _sendable(text):
                    continue  # the name passed _LEGAL_KEY: only the value can be unsendable
                morsel = make_morsel(name, text, quote_value(text), None)
                self._store(name, morsel, host, response_url, None, None)
        self._do_expiration()

    def update_cookies_from_headers(self, headers: Sequence[str], response_url: URL) -> None:
        """Parse raw Set-Cookie values and store the valid cookies (malformed ones are skipped).

        Like aiohttp, only the first ``MAX_COOKIES_PER_RESPONSE`` well-formed fields count.
        """
        host = response_url.raw_host
        if host and not self._unsafe and is_ip_address(host):
            return
        taken = 0
        for header in headers:
            parsed = parse_set_cookie(header)
            if parsed is not None:
                if taken >= MAX_COOKIES_PER_RESPONSE:
                    break
                name, value, coded, attrs, expires, max_age = parsed
                try:
                    morsel = make_morsel(name, value, coded, attrs)
                except CookieError:  # a Morsel that a patched CPython refuses: skip it
                    continue
                taken += 1
                self._store(name, morsel, host, response_url, expires, max_age)
        self._do_expiration()

    def _store(
        self, name: str, morsel: Morsel[str], host: str | None, response_url: URL,
        expires_at: float | None, max_age: int | None,
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
                if is_public_suffix(domain):
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

        key = (path.rstrip("/"), name)  # aiohttp's identity: "/a" and "/a/" are one cookie
        bucket = self._domains.get(domain)
        old = bucket.get(key) if bucket is not None else None
        # An expiry in the past is how servers delete a cookie. Such a cookie (as in Firefox)
        # never evicts another; it is stored, and swept when the update ends, so that (as in
        # aiohttp) one set again in the same response keeps its place in the sending order.
        if (
            old is None
            and self._limits_enabled
            and (
                (bucket is not None and len(bucket) >= MAX_COOKIES_PER_DOMAIN)
                or self._count >= MAX_COOKIES_TOTAL
            )
            and (expires is None or expires > self._clock())
        ):
            if not self._make_room(domain, bool(morsel["secure"])):
                return  # the domain is full of Secure cookies: a plain one may not evict them
            bucket = self._domains.get(domain)
        if bucket is None:
            bucket = self._domains[domain] = {}
        if old is not None:
            self._count -= 1
        else:
            group = self._groups.get((domain, key[0]))
            if group is None:
                self._groups[(domain, key[0])] = [next(self._seq), 1]
            else:
                group[1] += 1
        # A replacement keeps the old creation time (RFC 6265 5.3 step 11.3): sending order.
        created = old.created if old is not None else next(self._seq)
        entry = StoredCookie(morsel, name, domain, path, host_only, expires, created)
        self._generation += 1
        entry.access = self._generation
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

    def _rebuild_expiry_heap(self) -> None:
        seq = self._seq
        heap = [(e.expires, next(seq), e) for e in self._entries() if e.expires is not None]
        heapq.heapify(heap)
        self._expiry_heap = heap

    def _make_room(self, domain: str, secure: bool) -> bool:
        """Make room for a new cookie; False when it must be dropped instead.

        As aiohttp (after Firefox's CookieStorage): a full domain loses its expired cookies,
        then its least recently used non-Secure ones, down to one under its quota. Secure
        cookies are only evicted for another Secure cookie, so a plain-http response cannot
        flush a site's Secure session cookies by flooding the jar. A full jar loses its
        expired, then least recently used, cookies down to its quota.
        """
        self._bump()  # settle the recency of cookies sent from memoised selections
        bucket = self._domains.get(domain)
        if bucket is None or len(bucket) < MAX_COOKIES_PER_DOMAIN:
            self._purge()
            return True
        self._do_expiration()
        bucket = self._domains.get(domain)
        count = len(bucket) if bucket is not None else 0
        excess = count - COOKIE_QUOTA_PER_DOMAIN + 1
        if bucket is None or excess <= 0:
            return True
        candidates = [e for e in bucket.values() if not e.secure]
        if not candidates:
            if count < MAX_COOKIES_PER_DOMAIN:  # expiry freed a slot
                return True
            if not secure:
                return False
            candidates = list(bucket.values())
        candidates.sort(key=_recency_in_domain)
        self._delete(candidates[:excess])
        return True

    def _purge(self) -> None:
        """Over the total limit: drop expired, then least recently used, cookies to quota."""
        self._do_expiration()
        excess = self._count - COOKIE_QUOTA_TOTAL
        if excess > 0:
            victims = heapq.nsmallest(excess, self._entries(), key=_recency)
            self._delete(victims)

    def _delete(self, entries: Iterable[StoredCookie]) -> None:
        for entry in entries:
            bucket = self._domains.get(entry.domain)
            key = (entry.path_key, entry.name)
            if bucket is not None and bucket.get(key) is entry:
                del bucket[key]
                self._count -= 1
                group_key = (entry.domain, entry.path_key)
                group = self._groups[group_key]
                group[1] -= 1
                if not group[1]:
                    del self._groups[group_key]
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

        As aiohttp: for a name present at several domains/paths only the most specific is
        kept (deepest domain, then longest path); they come least specific first. At most
        ``MAX_COOKIES_PER_REQUEST`` cookies in ``MAX_COOKIE_HEADER_LENGTH`` octets are
        returned, the most specific admitted first.
        """
        filtered: BaseCookie[str] = BaseCookie()
        if not self._count:
            return filtered
        if type(request_url) is not URL:
            warnings.warn(
                "filter_cookies expects yarl.URL instances only, "
                f"and will stop working in 4.x, got {type(request_url)}",
                DeprecationWarning,
                stacklevel=2,
            )
            request_url = URL(request_url)
        now = self._clock()
        heap = self._expiry_heap
        if heap and heap[0][0] <= now:
            self._do_expiration()  # as aiohttp, every expired cookie goes, not only these
            if not self._count:
                return filtered
        host = request_url.raw_host or ""
        secure = request_url.scheme in _SECURE_SCHEMES
        if not secure and self._treat_as_secure_origin:
            try:
                secure = request_url.origin() in self._treat_as_secure_origin
            except ValueError:  # a relative URL has no origin
                secure = False
        req_path = request_url.path or "/"
        # Sessions ask again and again for the same few URLs: the selection for a
        # (host, path, secure) is memoised until the jar changes or a chosen cookie expires.
        memo_key = (host, req_path, secure)
        selections = self._selections
        memo = selections.get(memo_key)
        limited = self._limits_enabled
        if memo is not None:
            if now < memo[0]:
                if limited:
                    self._generation += 1
                    memo[3] = self._generation  # its cookies were used now (see _stamp)
                dict.update(filtered, memo[1])
                return filtered
            if memo[3]:
                _stamp(memo)  # about to be replaced: settle its last use first
        if len(selections) >= _MEMO_LIMIT:
            self._bump()  # many distinct URLs: start over rather than grow
            selections = self._selections
        domains = self._domains
        # (bucket, exact host?) pairs that can hold matching cookies, least specific first
        buckets: list[tuple[dict[tuple[str, str], StoredCookie], bool]] = []
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
                buckets.reverse()
        shared = domains.get("")
        if shared is not None:
            buckets.insert(0, (shared, True))
        if not buckets:
            selections[memo_key] = [_INF, {}, [], 0]
            return filtered
        expired: list[StoredCookie] = []
        generation = 0
        if limited:
            self._generation += 1
            generation = self._generation
        chosen, valid_until, entries = select_cookies(
            buckets, req_path, secure, now, self._quote_cookie, expired, limited, generation
        )
        if expired:
            self._delete(expired)  # this clears the memo: store into the fresh one
            selections = self._selections
        # a memo: [valid until, name -> Morsel, the cookies, generation of its last use
        # not yet stamped on them (0: none)]
        selections[memo_key] = [valid_until, chosen, entries, 0]
        # BaseCookie.__setitem__ would re-encode a Morsel's value: store them as built
        dict.update(filtered, chosen)
        return filtered

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
        """Remove the cookies of ``domain`` and its subdomains (and, as aiohttp, expired ones)."""
        self._do_expiration()
        domain = domain.lower()
        self._delete([e for d, bucket in list(self._domains.items())
                      if domain_match(domain, d) for e in bucket.values()])

    # --- persistence (JSON in aiohttp's layout, never pickle: see cookie_file) ----------
    def save(self, file_path: PathLike) -> None:
        """Write every cookie as JSON in aiohttp 3.14's layout (either library loads it),
        to a new file of mode 0600."""
        self._do_expiration()
        write_jar_file(file_path, self._entries_in_order())

    def load(self, file_path: PathLike) -> None:
        """Replace the jar's contents with a JSON file written by :meth:`save` or by aiohttp.

        Loaded cookies pass the same rules as :meth:`update_cookies` (limits included) and
        start with fresh recency; cookies that expired since are dropped. A malformed file
        raises (as aiohttp's ``load`` would) and leaves the jar unchanged. Pickle files
        (aiohttp's legacy format) are refused: unpickling runs code from the file.
        """
        saved = read_jar_file(file_path)
        fresh = type(self)(unsafe=self._unsafe, quote_cookie=self._quote_cookie,
                           treat_as_secure_origin=self._treat_as_secure_origin,
                           clock=self._clock)
        for cookie in saved:
            fresh._load_cookie(cookie)
        fresh._do_expiration()
        self._domains = fresh._domains
        self._count = fresh._count
        self._groups = fresh._groups
        self._expiry_heap = fresh._expiry_heap
        self._seq = fresh._seq
        self._generation = fresh._generation
        self._selections = {}

    def _load_cookie(self, saved: SavedCookie) -> None:
        if not _sendable(f"{saved.key}={saved.value}{saved.coded_value}"):
            return  # as aiohttp: a cookie that could not be sent is not loaded
        morsel = make_morsel(saved.key, saved.value, saved.coded_value, None)
        for attr, attr_value in saved.attrs.items():
            morsel[attr] = attr_value  # Morsel's own checks, as aiohttp's load runs them
        domain = saved.domain
        url = URL.build(scheme="https", host=domain) if domain else _EMPTY_URL
        host = url.raw_host
        if host and not self._unsafe and is_ip_address(host):
            return  # the same rule as update_cookies: a strict jar keeps no IP-host cookies
        self._store(saved.name, morsel, host, url, saved.expires, None)


class RequestCookieJar(CookieJar):
    """The jar a request's own ``cookies=`` pass through (aiohttp 3.14's rule): the session
    jar's settings, no limits, and ``filter_cookies`` decides what the request sends."""

    _limits_enabled = False

    @classmethod
    def filter_for(cls, session_jar: Any, cookies: LooseCookies, url: URL) -> BaseCookie[str]:
        """``cookies`` as a request to ``url`` sends them, next to ``session_jar``'s."""
        jar = cls(
            unsafe=getattr(session_jar, "unsafe", False),
            quote_cookie=getattr(session_jar, "quote_cookie", True),
            treat_as_secure_origin=getattr(session_jar, "treat_as_secure_origin", None),
        )
        jar.update_cookies(cookies)
        return jar.filter_cookies(url)


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
